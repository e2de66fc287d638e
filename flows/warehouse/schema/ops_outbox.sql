-- The outbox every message goes through (notifications/outbox.py: its states and guarantees;
-- notifications/outbox_schema.py: the row it holds), and what delivery decides beside it.
create schema if not exists ops;
create table if not exists ops.outbox (
    message_key varchar primary key,
    kind varchar not null,
    item_id varchar,
    account_id varchar,
    to_email varchar not null,
    to_name varchar,
    from_email varchar not null,
    from_name varchar,
    reply_to varchar,
    subject varchar not null,
    body_text varchar not null,
    body_html varchar not null,
    status varchar not null
        check (status in ('pending', 'claimed', 'sent', 'unknown', 'parked')),
    attempts integer not null default 0,
    provider_message_id varchar,
    error varchar,
    created_at timestamp not null,
    claimed_at timestamp,
    sent_at timestamp,
    run_date date not null
);
-- Added with the closing-the-loop messages: the theme a message is about (closed-loop and
-- declined notes, escalations), so the marts can tell which items a message closed.
alter table ops.outbox add column if not exists theme_key varchar;
-- Added with chat alerts: 'email', 'slack' or 'webhook'. One outbox for every channel, so chat
-- messages get the email's guarantees; a chat row's to_email names its destination, never
-- the webhook URL (a secret), and its body_text holds the JSON to post.
alter table ops.outbox add column if not exists channel varchar default 'email';

-- One row per theme escalated to product: written with the escalation document, never rewritten.
create table if not exists ops.escalations (
    theme_key varchar primary key,
    theme_label varchar not null,
    escalated_at timestamp not null,
    document_path varchar not null,
    accounts integer not null,
    arr double not null,
    reasons varchar not null,
    run_date date not null
);

-- Addresses no customer email goes to: unsubscribed, bounced or complained.
create table if not exists ops.suppressions (
    email varchar primary key,
    reason varchar not null,
    added_at timestamp not null
);
