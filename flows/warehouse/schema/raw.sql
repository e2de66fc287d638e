-- Landing tables for the extract step. Every business column lands as text exactly as the
-- export had it (after decoding); dbt staging casts. Load metadata on every row:
--   _source: inbox folder, _file: path relative to the inbox, _record: 1-based data row below
--   the header (CSV), line (JSONL, notes' bullets) or position in the list (JSON exports), _loaded_at: UTC load time,
--   _row_hash: md5 of the business columns, unique per table, so a row re-delivered in an
--   overlapping export is stored once. The loader keeps it unique (it inserts only hashes not
--   stored yet, in the one transaction that writes the table); no index enforces it, because
--   maintaining one doubled the cost of loading a million rows. Warehouses created before keep
--   their primary key, which changes nothing but speed.
create schema if not exists raw;

create table if not exists raw.crm_accounts (
    account_id varchar, account_name varchar, website varchar, tier varchar, arr varchar,
    renewal_date varchar, csm_name varchar, csm_email varchar,
    contact_name varchar, contact_email varchar,
    _source varchar, _file varchar, _record bigint, _loaded_at timestamp, _row_hash varchar
);

create table if not exists raw.nps_responses (
    response_id varchar, email varchar, score varchar, comment varchar,
    responded_at varchar, survey_id varchar,
    _source varchar, _file varchar, _record bigint, _loaded_at timestamp, _row_hash varchar
);

create table if not exists raw.zendesk_tickets (
    ticket_id varchar, requester_email varchar, requester_name varchar, subject varchar,
    description varchar, tags varchar, priority varchar, status varchar,
    created_at varchar, updated_at varchar, satisfaction_score varchar, satisfaction_comment varchar,
    _source varchar, _file varchar, _record bigint, _loaded_at timestamp, _row_hash varchar
);

create table if not exists raw.widget_events (
    event_id varchar, event_type varchar, account_id varchar, user_email varchar, user_name varchar,
    message varchar, page_url varchar, created_at varchar,
    _source varchar, _file varchar, _record bigint, _loaded_at timestamp, _row_hash varchar
);

create table if not exists raw.note_items (
    note_id varchar, account_id varchar, note_type varchar, note_date varchar,
    author_email varchar, attendees varchar, item_index varchar, item_text varchar,
    _source varchar, _file varchar, _record bigint, _loaded_at timestamp, _row_hash varchar
);

create table if not exists raw.roadmap_items (
    item_id varchar, title varchar, theme_keywords varchar, status varchar, effort varchar,
    created_at varchar, target_date varchar, shipped_at varchar,
    _source varchar, _file varchar, _record bigint, _loaded_at timestamp, _row_hash varchar
);

-- Written by the tag step: one row per item and model version.
create table if not exists raw.feedback_tags (
    item_id varchar, model_version varchar, intents varchar, intent varchar,
    sentiment varchar, sentiment_score double, severity varchar, product_area varchar,
    competitors varchar, theme_key varchar, theme_label varchar, redacted_text varchar,
    tagged_at timestamp,
    primary key (item_id, model_version)
);

-- Written by the tag step: every theme items have joined, fixed by its first item's embedding,
-- so a later night's items join the themes of the nights before (nlp/theme_book.py); its label
-- is rewritten as items join (raw.theme_terms).
create table if not exists raw.themes (
    theme_key varchar primary key, bucket varchar, theme_label varchar, vector float[],
    model_version varchar, created_at timestamp
);

-- Written by the tag step: the way of choosing labels (nlp/theme_labels.py LABEL_SCHEME) a
-- model version's theme labels were last written with. Labels are rewritten only for the themes
-- items joined each night, so a new way relabels every theme once, from its counts.
create table if not exists raw._label_schemes (
    model_version varchar primary key, scheme varchar, written_at timestamp
);

-- Written by the tag step: how many of a theme's items use each word or word pair, so a theme's
-- label is chosen from all its items by class-based TF-IDF (nlp/theme_labels.py), night after
-- night; the step then writes the new label into raw.themes.
create table if not exists raw.theme_terms (
    theme_key varchar, term varchar, items integer, model_version varchar,
    primary key (theme_key, term)
);

-- Written by the tag step until its rows moved onto raw.feedback_tags (`terms`, at the end of
-- this file), which the end of this file does to a warehouse that still has it.
create table if not exists raw.feedback_tag_terms (
    item_id varchar, model_version varchar, theme_key varchar, terms varchar[],
    primary key (item_id, model_version)
);

-- Which files were read, by content hash: a file seen before is skipped.
create table if not exists raw._files (
    source varchar, file varchar, content_sha256 varchar, size_bytes bigint,
    status varchar, rows_loaded bigint, rows_quarantined bigint, error varchar,
    loaded_at timestamp,
    primary key (source, content_sha256)
);

-- Per-source positions: `max_event_at` (the latest fact loaded) and positions the exports
-- report themselves (`zendesk_end_time`). An exporter resumes from them, minus a look-back
-- window; the overlap it re-delivers is absorbed by the row hash.
create table if not exists raw._cursors (
    source varchar, cursor varchar, value varchar, updated_at timestamp,
    primary key (source, cursor)
);

-- Rows (or whole files, record 0) that failed validation, with the reason and the original content.
create table if not exists raw._quarantine (
    source varchar, file varchar, record bigint, field varchar, reason varchar,
    content varchar, quarantined_at timestamp
);

-- The action stages each item has reached, as the night's marts showed them (written after the
-- marts by flows/warehouse/night_record.py). Stages known from a theme follow its roadmap link,
-- which can change as the theme grows; the record keeps a stage once reached, so an item's
-- stage never moves back from one night to the next.
create table if not exists raw.feedback_stages_reached (
    item_id varchar not null, stage varchar not null, entered_at timestamp not null,
    run_date date not null,
    primary key (item_id, stage)
);

-- Added after the first release: survey exports that also ask a CES or CSAT question.
-- `add column if not exists` upgrades warehouses created before; nulls where not asked.
alter table raw.nps_responses add column if not exists ces_score varchar;
alter table raw.nps_responses add column if not exists csat_score varchar;
-- Added with renewal outcomes: a CRM export may say how the account's last renewal went.
alter table raw.crm_accounts add column if not exists renewal_outcome varchar;
alter table raw.crm_accounts add column if not exists renewal_outcome_date varchar;
alter table raw.crm_accounts add column if not exists arr_after_renewal varchar;

-- The validation gate's holds: a raw table whose rows of one load failed a critical expectation.
-- Every later run checks those rows again (unless a newer version of their item replaced them)
-- until they pass or a person sets them aside (`loopkeeper quarantine`); see flows/stages/validate.py.
create table if not exists raw._gate_holds (
    source_table varchar, loaded_at timestamp, held_at timestamp, reason varchar,
    primary key (source_table, loaded_at)
);

-- Written by the tag step until its rows moved onto raw.feedback_tags (`text_hash`, at the end
-- of this file), which the end of this file does to a warehouse that still has it.
create table if not exists raw.feedback_tag_texts (
    item_id varchar, model_version varchar, text_hash varchar,
    primary key (item_id, model_version)
);

-- Each inbox file as it was when last hashed (flows/sources/manifest.py): a file whose size,
-- times and inode are unchanged is not hashed again. A cache of hashes only: whether a file is
-- new is decided by raw._files.
create table if not exists raw._inbox_manifest (
    source varchar, file varchar, size_bytes bigint, mtime_ns bigint, ctime_ns bigint,
    inode bigint, content_sha256 varchar, hashed_at_ns bigint,
    primary key (source, file)
);

-- Kept on each item's tags row by the tag step (flows/stages/tagging.py):
--   text_hash: the md5 of the text the tags were computed from ('' for an item without text;
--     null for tags written before texts were kept, which the tag step stamps), so an item
--     whose text changed (a ticket updated, a comment added) is tagged again;
--   terms: the words the item added to its theme's counts (raw.theme_terms), taken back out
--     when it is tagged again, so its old text no longer labels the theme.
-- They lived in raw.feedback_tag_texts and raw.feedback_tag_terms, one row per item each: three
-- indexed tables written per batch where one does (at a million items, 6.1-6.7 s of every 100,000
-- items tagged against 2.1-3.3 s, on the one process that also places every item in its theme).
-- Their rows move here, and the tables go (on a new warehouse they are created empty above).
alter table raw.feedback_tags add column if not exists text_hash varchar;
alter table raw.feedback_tags add column if not exists terms varchar[];
update raw.feedback_tags as tag set text_hash = coalesce(kept.text_hash, '')
from raw.feedback_tag_texts as kept
where tag.item_id = kept.item_id and tag.model_version = kept.model_version;
update raw.feedback_tags as tag set terms = kept.terms
from raw.feedback_tag_terms as kept
where tag.item_id = kept.item_id and tag.model_version = kept.model_version;
drop table raw.feedback_tag_texts;
drop table raw.feedback_tag_terms;
