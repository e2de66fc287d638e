"""Zendesk Support incremental-export pages (`tickets` with sideloaded `users`).

A ticket re-appears on a later page when it changes; every version lands in raw and staging
keeps the one with the latest `updated_at`.
"""

from __future__ import annotations

from pathlib import Path

from flows.sources.base import FieldRule, ReadResult, Source, map_columns
from flows.sources.readers import read_json_document

RULES = (
    FieldRule("ticket_id", required=True),
    FieldRule("requester_email", "email"),
    FieldRule("requester_name"),
    FieldRule("subject"),
    FieldRule("description"),
    FieldRule("tags"),
    FieldRule("priority", "choice", choices=("low", "normal", "high", "urgent")),
    FieldRule("status", "choice", choices=("new", "open", "pending", "hold", "solved", "closed")),
    FieldRule("created_at", "timestamp", required=True),
    FieldRule("updated_at", "timestamp", required=True),
    FieldRule("satisfaction_score", "choice", choices=("good", "bad", "offered", "unoffered")),
    FieldRule("satisfaction_comment"),
)

# One row per ticket version; users are joined from the same page's sideload.
PAGE_SQL = """
with tickets as (
    select unnest(tickets) as t, generate_subscripts(tickets, 1) as _record from doc
),
users as (
    select unnest(users) as u from doc
)
select
    t.id::varchar as ticket_id,
    u.u.email::varchar as requester_email,
    u.u.name::varchar as requester_name,
    t.subject::varchar as subject,
    t.description::varchar as description,
    array_to_string(t.tags, ',') as tags,
    t.priority::varchar as priority,
    t.status::varchar as status,
    t.created_at::varchar as created_at,
    t.updated_at::varchar as updated_at,
    t.satisfaction_rating.score::varchar as satisfaction_score,
    t.satisfaction_rating.comment::varchar as satisfaction_comment,
    _record
from tickets
left join users as u on u.u.id = t.requester_id
order by _record
"""


def read(path: Path, source: Source) -> ReadResult:
    frame = read_json_document(path, PAGE_SQL)
    return ReadResult(map_columns(frame, source, path))


SOURCE = Source("tickets", "zendesk_tickets", (".json",), RULES, read)
