{#- An SLA clock's state at as_of: met when done by the due time (exactly at it counts), breached
    when done late or not done once due has passed, open otherwise. A clock that does not apply
    to the item has a null due_at and a null status. -#}
{% macro sla_status(done_at, due_at) -%}
    case
        when {{ due_at }} is null then null
        when {{ done_at }} <= {{ due_at }} then 'met'
        when {{ done_at }} > {{ due_at }} then 'breached'
        when {{ as_of() }} > {{ due_at }} then 'breached'
        else 'open'
    end
{%- endmacro %}

{#- The four SLA clocks' statuses at as_of and how many are breached, from a row with their
    done and due columns (int_feedback_sla_unclocked, int_feedback_unclocked): the select list
    of the views fct_feedback_sla and fct_feedback. -#}
{% macro sla_statuses() -%}
    {%- set clocks = [
        ('ack', 'acknowledged_at', 'ack_due_at'),
        ('first_plan', 'first_planned_at', 'first_plan_due_at'),
        ('detractor_contact', 'detractor_contacted_at', 'detractor_contact_due_at'),
        ('product_response', 'product_responded_at', 'product_response_due_at'),
    ] -%}
    {%- for name, done_at, due_at in clocks %}
        {{ sla_status(done_at, due_at) }} as {{ name }}_sla_status,
    {%- endfor %}
        {#- every item has an acknowledge clock: a null there (no policy) stays null -#}
        ({{ sla_status('acknowledged_at', 'ack_due_at') }} = 'breached')::integer
        {%- for name, done_at, due_at in clocks[1:] %}
        + coalesce(({{ sla_status(done_at, due_at) }} = 'breached')::integer, 0)
        {%- endfor %} as breached_slas
{%- endmacro %}

{#- The account segment of an ARR figure: bands a CS team plans coverage by. -#}
{% macro arr_band(arr) -%}
    case
        when {{ arr }} is null then 'Unknown'
        when {{ arr }} < 25000 then 'ARR <25k'
        when {{ arr }} < 100000 then 'ARR 25k-100k'
        when {{ arr }} < 250000 then 'ARR 100k-250k'
        else 'ARR 250k+'
    end
{%- endmacro %}

{#- Text as space-padded lower-case words, so ` dark mode ` finds the phrase and never the
    inside of another word (`ai` in `email`). -#}
{% macro padded_words(column) -%}
    ' ' || trim(regexp_replace(lower(coalesce({{ column }}, '')), '[^a-z0-9]+', ' ', 'g')) || ' '
{%- endmacro %}

{#- A roadmap status as exported (`In progress`, `in-progress`) as planned, in_progress, shipped
    or declined; null when unrecognised. -#}
{% macro roadmap_status(column) -%}
    case regexp_replace(lower(trim({{ column }})), '[\s-]+', '_', 'g')
        when 'planned' then 'planned'
        when 'in_progress' then 'in_progress'
        when 'shipped' then 'shipped'
        when 'declined' then 'declined'
    end
{%- endmacro %}
