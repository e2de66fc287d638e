-- What the loop remembers between nights, beside the outbox (ops_outbox.sql). dbt reads these
-- tables as sources (models/staging/loopkeeper), so they exist before a night's first build.
create schema if not exists ops;

-- Which items a message answers when it answers several (one acknowledgment per person and
-- night): written with the message, in the same transaction (flows/loop/message_items.py). An
-- item covered here is never acknowledged again; the marts count the message for each item.
create table if not exists ops.message_items (
    message_key varchar not null, item_id varchar not null, kind varchar not null,
    primary key (message_key, item_id)
);

-- Written by the closed loop (flows/loop/closed_loop.py): how each customer item that asked for
-- something scored against each roadmap item shipped or declined in the window, by meaning,
-- and whether it was told. An analyst reads why someone got "you asked, we built it" (the
-- matched words, the score, the threshold of the night) and which ones fell just short. A row
-- that matched is kept as written: it is the reason an email went out.
create table if not exists ops.closed_loop_matches (
    item_id varchar not null, roadmap_item_id varchar not null, roadmap_status varchar not null,
    score double not null, matched_text varchar, method varchar not null,
    nearest_roadmap_item_id varchar, nearest_score double, min_score double not null,
    is_match boolean not null, run_date date not null,
    primary key (item_id, roadmap_item_id)
);
-- Added when a night began scoring only what changed: a fingerprint of what the score was
-- computed from (the item's words, every roadmap item's title and keywords, the method); a
-- candidate whose fingerprint has a stored score is not scored again (flows/loop/closed_loop.py).
alter table ops.closed_loop_matches add column if not exists scored_on varchar;

-- Each at-risk crossing an account made, so its CSM hears of it once (flows/loop/at_risk.py):
-- crossed_on is the night a signal first showed, cleared_on the night it was gone.
create table if not exists ops.risk_signals (
    account_id varchar not null,
    signal varchar not null,
    crossed_on date not null,
    cleared_on date,
    primary key (account_id, signal, crossed_on)
);
-- Added when an account's signals went into one alert: the key of the alert that told the
-- CSM of the crossing (null: not told yet, or told by an alert per signal, before).
alter table ops.risk_signals add column if not exists alerted_by varchar;
