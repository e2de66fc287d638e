-- The night a warehouse holds, written into the working copy just before it is published
-- (flows/warehouse/night_record.py): one row. `loopkeeper status` reads it, and a backfill
-- never moves the published night backwards without being asked.
create schema if not exists ops;
create table if not exists ops.published_night (night date not null, as_of timestamp);
