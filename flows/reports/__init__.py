"""Reports people read: the monthly loop-health report and the weekly voice of the customer.

Figures are read from the published warehouse's marts over a read-only connection, turned into
charts (matplotlib, inline SVG) and recommendations, and written as one self-contained HTML file
plus a Markdown twin for memos. Entry points: ``flows.reports.write`` (one report) and
``flows.reports.scheduled`` (the reports a night owes).
"""
