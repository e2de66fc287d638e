"""CRM accounts: a Salesforce- or HubSpot-style report CSV, one row per account."""

from __future__ import annotations

from pathlib import Path

from flows.sources.base import FieldRule, ReadResult, Source, map_columns
from flows.sources.readers import read_csv_frame

TIERS = ("Enterprise", "Mid-Market", "SMB")

RULES = (
    FieldRule(
        "account_id", required=True, aliases=("id", "account_id_18", "company_id", "record_id")
    ),
    FieldRule("account_name", required=True, aliases=("name", "company_name", "account")),
    FieldRule("website", aliases=("domain", "company_domain", "company_domain_name")),
    FieldRule("tier", "choice", required=True, choices=TIERS, aliases=("segment", "customer_tier")),
    FieldRule(
        "arr", "number", required=True, low=0, aliases=("annual_recurring_revenue", "arr_usd")
    ),
    FieldRule("renewal_date", "date", allow_future=True, aliases=("contract_end_date", "renewal")),
    FieldRule("csm_name", aliases=("account_owner", "csm", "customer_success_manager")),
    FieldRule("csm_email", "email", aliases=("account_owner_email", "owner_email")),
    FieldRule("contact_name", aliases=("primary_contact_name", "primary_contact")),
    FieldRule("contact_email", "email", aliases=("primary_contact_email",)),
)


def read(path: Path, source: Source) -> ReadResult:
    frame, warnings = read_csv_frame(path)
    return ReadResult(map_columns(frame, source, path), warnings=warnings)


SOURCE = Source("accounts", "crm_accounts", (".csv",), RULES, read, is_feedback=False)
