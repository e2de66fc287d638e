"""Closing the loop each night: hand-offs, QBR follow-ups, stale digests, at-risk alerts,
escalations to product and "we heard you", all judged from the marts as of the night.

The notify stage calls ``flows.loop.run.close_the_loop``; each module here turns one mart
question into messages or documents through the notifications library.
"""
