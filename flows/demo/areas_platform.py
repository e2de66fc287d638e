"""Phrase banks for the platform areas (integrations, SSO, billing, API, permissions, onboarding)."""

from __future__ import annotations

from flows.demo.area import Area, Idea

INTEGRATIONS = Area(
    key="integrations",
    names=("integrations", "the Salesforce integration", "the HubSpot sync", "the Slack app"),
    things=("the Salesforce sync", "the HubSpot integration", "the Slack app", "the Jira integration",
            "the Zapier connector"),
    problems=("{thing} stopped syncing after we renamed a field", "{thing} overwrites our data every night",
              "{thing} keeps disconnecting", "{thing} creates duplicate contacts",
              "{thing} ignores custom objects"),
    slow=("{thing} only syncs every few hours", "{thing} lags by a day sometimes"),
    confusing=("field mapping in {thing} is really confusing",
               "there's no log showing what {thing} actually changed"),
    tasks=("sync custom fields to Salesforce", "connect a second HubSpot portal",
           "re-run a failed sync", "map our own objects in the integration"),
    praise=("{thing} is rock solid", "the Slack app is the reason {team} actually uses the product"),
    errors=('"Sync failed: INVALID_FIELD_FOR_INSERT_UPDATE"', '"OAuth token expired, reconnect required"'),
    shorthand=("SFDC sync overwriting fields nightly", "HubSpot sync dupes contacts", "want MS Teams app"),
    pages=("/integrations", "/integrations/salesforce", "/integrations/hubspot"),
    ideas=(
        Idea("Microsoft Teams app", ("teams", "microsoft teams", "ms teams"),
             ("a Microsoft Teams app", "MS Teams notifications like the Slack app")),
        Idea("Sync audit log", ("sync log", "audit", "sync history"),
             ("a sync log showing what changed", "sync history for the integrations")),
        Idea("Custom objects in Salesforce sync", ("custom object", "salesforce", "field mapping"),
             ("custom object support in the Salesforce sync", "custom field mapping for Salesforce")),
    ),
)  # fmt: skip

SSO = Area(
    key="sso",
    names=("SSO", "login", "single sign-on", "authentication"),
    things=("SSO", "the Okta login", "two-factor auth", "the login page", "SAML setup"),
    problems=("{thing} fails for anyone with a plus sign in their email", "{thing} loops back to the login page",
              "users get logged out every hour", "{thing} broke after we rotated our certificate",
              "new hires can't log in until someone invites them by hand"),
    slow=("logging in takes almost a minute", "{thing} redirect hangs for ages"),
    confusing=("the SAML setup instructions skip half the steps",
               "{thing} settings are spread across three pages"),
    tasks=("enforce SSO for everyone", "set up SCIM provisioning", "use Azure AD instead of Okta",
           "turn off password login"),
    praise=("SSO setup took ten minutes, impressive", "{thing} has been painless"),
    errors=('"SAML response signature invalid"', '"403 Forbidden: user not provisioned"'),
    shorthand=("SSO setup took 2 wks", "want SCIM, IT deprovisioning by hand", "Azure AD SSO broken for {n} users"),
    pages=("/settings/security", "/login", "/settings/sso"),
    ideas=(
        Idea("SCIM provisioning", ("scim", "provisioning", "deprovision", "okta"),
             ("SCIM provisioning", "automatic user provisioning from Okta")),
        Idea("Enforced SSO", ("enforce sso", "password login", "sso only"),
             ("a setting to enforce SSO", "a way to switch off password login")),
    ),
)  # fmt: skip

BILLING = Area(
    key="billing",
    names=("billing", "invoices", "the billing page", "subscription settings"),
    things=("our invoice", "the billing page", "the seat count", "the renewal quote"),
    problems=("we got charged twice this month", "{thing} still shows seats we removed",
              "{thing} has the wrong VAT number on it", "{thing} lists users who left months ago",
              "the credit card form keeps failing"),
    slow=("the billing page takes forever to load", "invoices show up days late"),
    confusing=("I can't figure out what we're actually paying for",
               "the plan comparison page is confusing"),
    tasks=("add a PO number to invoices", "switch to annual billing", "remove inactive seats",
           "download all invoices at once"),
    praise=("billing is straightforward, no surprises", "the finance team loves the invoice PDFs"),
    errors=('"Payment declined: card_not_supported"', '"Unable to load invoices"'),
    shorthand=("billed for {n} inactive seats", "finance wants PO # on invoices", "pushback on seat price"),
    pages=("/settings/billing", "/settings/billing/invoices"),
    ideas=(
        Idea("PO numbers on invoices", ("po number", "purchase order", "invoice"),
             ("PO numbers on invoices", "a purchase order field on invoices")),
        Idea("Automatic inactive seat removal", ("inactive seat", "seats", "license"),
             ("automatic removal of inactive seats", "a report of unused licenses")),
    ),
)  # fmt: skip

API = Area(
    key="api",
    names=("the API", "the REST API", "webhooks", "the API docs"),
    things=("the REST API", "the records endpoint", "the bulk endpoint", "the v2 API"),
    problems=("{thing} returns 500s on pagination past page 50", "webhooks fire out of order",
              "{thing} drops the custom fields", "{thing} returns different totals than the UI",
              "webhook retries never stop after we return 200"),
    slow=("{thing} takes 5+ seconds per call", "we hit the rate limit constantly with a tiny sync job"),
    confusing=("the auth flow for the API is confusing", "the API versioning story is unclear"),
    tasks=("get an API key that isn't tied to one user", "subscribe to webhooks for deletes",
           "raise our API rate limit", "use the bulk endpoint for updates"),
    praise=("the API is clean and well designed", "webhooks made our integration dead simple"),
    errors=('"429 Too Many Requests"', '"500 Internal Server Error on GET /v2/records?page=51"'),
    shorthand=("API rate limit hit nightly, eng frustrated", "want service-account API keys",
               "webhooks out of order"),
    pages=("/settings/api", "/developers"),
    ideas=(
        Idea("Service account API keys", ("api key", "service account", "token"),
             ("API keys for service accounts", "API tokens not tied to a person")),
        Idea("Higher API rate limits", ("rate limit", "429", "throttling"),
             ("higher API rate limits", "a bigger rate limit for bulk jobs")),
    ),
)  # fmt: skip

PERMISSIONS = Area(
    key="permissions",
    names=("permissions", "user roles", "access control", "admin settings"),
    things=("custom roles", "the permission settings", "field-level permissions", "role permissions"),
    problems=("viewers can still edit records", "{thing} reset to default after the update",
              "a read-only user deleted a whole project", "{thing} don't apply to reports"),
    slow=("saving {thing} takes a minute", "the users page is very slow with {n}00 users"),
    confusing=("nobody here understands how {thing} inherit", "roles vs teams vs groups is a mess"),
    tasks=("create a custom role", "restrict a field to managers", "give a contractor temporary access",
           "see who changed a permission"),
    praise=("the new roles are exactly what our security team wanted", "{thing} are flexible enough for us"),
    errors=('"403: You do not have permission to perform this action"', '"Role could not be saved"'),
    shorthand=("need field-level perms for HR data", "viewer role can edit - security concern",
               "want audit log of permission changes"),
    pages=("/settings/roles", "/settings/users"),
    ideas=(
        Idea("Field-level permissions", ("field-level", "permission", "restrict field", "hide sensitive"),
             ("field-level permissions", "a way to hide sensitive fields from some roles")),
        Idea("Audit log", ("audit log", "audit", "who changed"),
             ("an audit log", "a history of who changed what")),
    ),
)  # fmt: skip

ONBOARDING = Area(
    key="onboarding",
    names=("onboarding", "the setup wizard", "getting started", "training"),
    things=("the setup wizard", "onboarding", "the product tour", "the getting started checklist"),
    problems=("{thing} skipped the integration step entirely", "{thing} restarts every time I log in",
              "the sample data from {thing} won't go away"),
    slow=("onboarding took us two months instead of two weeks", "getting {team} set up dragged on"),
    confusing=("{thing} assumes we already know the product", "I got lost in {thing} after step 3"),
    tasks=("restart the product tour", "invite the whole team at once", "get a training session for new hires",
           "clear the sample data"),
    praise=("onboarding was smooth, our CSM was fantastic", "{thing} got {team} up to speed in a day"),
    errors=('"Setup could not be completed"', '"Invitation link expired"'),
    shorthand=("onboarding stalled, {n} wks behind", "new admin needs training", "champion happy w/ onboarding"),
    pages=("/welcome", "/getting-started"),
    ideas=(
        Idea("Guided setup checklist", ("checklist", "setup", "guided", "onboarding"),
             ("a setup checklist", "a guided onboarding checklist")),
        Idea("In-app training academy", ("training", "academy", "tutorial", "course"),
             ("in-app training videos", "a training academy for new users")),
    ),
)  # fmt: skip

PLATFORM_AREAS = (INTEGRATIONS, SSO, BILLING, API, PERMISSIONS, ONBOARDING)
