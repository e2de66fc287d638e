{#- A text timestamp as a UTC `timestamp`. ISO 8601 values carry `Z`, an offset, or nothing
    (which the inbox contract reads as UTC); the loader stores `YYYY-MM-DDTHH:MM:SSZ`, which
    takes a fixed format. The offset test keeps the result independent of the session's
    TimeZone. By default an unreadable value becomes null rather than failing the
    model, because validation upstream has already quarantined bad rows; `strict` fails instead. -#}
{% macro to_utc_timestamp(column, strict=false) -%}
    {%- set cast_fn = 'cast' if strict else 'try_cast' -%}
    case
        -- the loader's own shape, so nearly every raw value: a fixed format, no regex
        when {{ column }} like '____-__-__T__:__:__Z'
            then {{ 'strptime' if strict else 'try_strptime' }}({{ column }}, '%Y-%m-%dT%H:%M:%SZ')
        when regexp_matches(trim({{ column }}), '\d:\d{2}(:\d{2}(\.\d+)?)?\s*([zZ]|[+-]\d{2}(:?\d{2})?)$')
            then {{ cast_fn }}(trim({{ column }}) as timestamptz) at time zone 'UTC'
        else {{ cast_fn }}(trim({{ column }}) as timestamp)
    end
{%- endmacro %}

{#- The night being run as a UTC timestamp: var `as_of` (unit tests, a command line), else
    environment variable LOOPKEEPER_AS_OF (what the nightly sets), else the run's start. A value
    that does not parse fails the model: silently filtering every item out would be worse.
    The environment is read only when executing, never while parsing: dbt re-parses the whole
    project when a var changes, and every file that read an environment variable when its
    value changes, so the night's clock must not be seen at parse time for partial parsing
    to hold from one night to the next. -#}
{% macro as_of() -%}
    {%- set value = var('as_of', none) -%}
    {%- if (value is none or value | string | trim == '') and execute -%}
        {%- set value = env_var('LOOPKEEPER_AS_OF', '') -%}
    {%- endif -%}
    {%- if value is none or value | string | trim == '' -%}
        {%- set value = run_started_at.strftime('%Y-%m-%dT%H:%M:%S.%fZ') -%}
    {%- endif -%}
    ({{ to_utc_timestamp("'" ~ (value | string | trim | replace("'", "''")) ~ "'", strict=true) }})
{%- endmacro %}

{#- True for an action Loopkeeper recorded (a message sent, an escalation written) that belongs to
    the night or before it: done by as_of, or done by the run of a night up to the night's date
    (var `night`, else environment variable LOOPKEEPER_NIGHT, which the nightly sets; read at
    execution only, as in as_of). A night's messages go out after its as_of (the start
    of the night's day), so without the second test the night's own acknowledgments would only
    appear in the marts a day later. Without `night` only the clock counts. -#}
{% macro done_by_night(at_column, run_date_column='run_date') -%}
    {%- if night() == 'null' -%}
        ({{ at_column }} <= {{ as_of() }})
    {%- else -%}
        ({{ at_column }} <= {{ as_of() }}
        or {{ run_date_column }} <= {{ night() }})
    {%- endif -%}
{%- endmacro %}

{#- True for an action Loopkeeper recorded by an earlier night than the one being run: by the run
    of an earlier night (a row without a night: done before as_of). For a night's judgements that
    would count the night's own actions (its hand-offs as escalations): the first run judges
    before it acts and a re-run after, so counting them would make a re-run judge otherwise.
    They count from the next night, in every run of it. The night, not the clock, tells them
    apart: a backfill acts long after its nights' as_of, a night run ahead of its date before
    it. Without `night` only the clock counts. -#}
{% macro done_before_night(at_column, run_date_column='run_date') -%}
    {%- if night() == 'null' -%}
        ({{ at_column }} < {{ as_of() }})
    {%- else -%}
        coalesce({{ run_date_column }} < {{ night() }}, {{ at_column }} < {{ as_of() }})
    {%- endif -%}
{%- endmacro %}

{#- The night being run as a SQL date (var `night`, else LOOPKEEPER_NIGHT, read at execution
    only), or `null` when none is given. -#}
{% macro night() -%}
    {%- set night = var('night', none) -%}
    {%- if (night is none or night | string | trim == '') and execute -%}
        {%- set night = env_var('LOOPKEEPER_NIGHT', '') -%}
    {%- endif -%}
    {%- if night is none or night | string | trim == '' -%}
        null
    {%- else -%}
        cast('{{ night | string | trim | replace("'", "''") }}' as date)
    {%- endif -%}
{%- endmacro %}

{#- When an action done_by_night admits happened, on the night's clock: a message or escalation
    of the night's own run (done after as_of) is dated as_of, as the night's tagging is, so the
    marts of a night do not depend on the wall-clock minute its run sent things (a backfill and
    the nightly runs it repeats give the same marts). ops.outbox and ops.escalations keep the
    real times. -#}
{% macro night_clock(at_column) -%}
    least({{ at_column }}, {{ as_of() }})
{%- endmacro %}
