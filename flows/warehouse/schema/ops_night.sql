-- The night a warehouse holds, written into the working copy just before it is published
-- (flows/warehouse/night_record.py): one row. `loopkeeper status` reads it, and a backfill
-- never moves the published night backwards without being asked.
create schema if not exists ops;
create table if not exists ops.published_night (night date not null, as_of timestamp);

-- The last stage build, what it ran under and read (flows/warehouse/stage_record.py): one row.
-- A night whose raw tables and clock-visible items are as that build left them skips the build.
create table if not exists ops.stage_build (definition varchar, as_of timestamp, inputs varchar);

-- The last tag step that left every item tagged, the model version and what it read
-- (flows/stages/tag_record.py): one row. A night whose items and tags are as it left them has
-- nothing to tag, and skips hashing every item's text to find that out.
create table if not exists ops.tag_state (model_version varchar, inputs varchar);

-- The last marts build's view of what int_feedback_items_tagged reads, under which definition
-- (flows/warehouse/tagged_items_record.py): one row. A build that finds the same keeps that
-- model's rows as they are instead of comparing every item's.
create table if not exists ops.tagged_items_build (definition varchar, inputs varchar);
