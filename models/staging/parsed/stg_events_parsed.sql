{#- Every raw row of events once, parsed: a pure function of the row's text and the parsing
    settings (macros/incremental.sql; README "Daily refresh"). Incremental, append only: a run
    adds the raw rows not yet here, looking at rows with an event_ts on or after as_of_date -
    incremental_lookback_days, or none that parses. Identical events are all kept (copy_number
    tells them apart). parse_reject_reason is the first failing check that needs nothing but
    the row; stg_events_checked makes the others. -#}
{{ parsed_rows_config() }}

{%- set parse_columns -%}
        {{ parsed_contract_columns('events', codes=['event_type', 'category']) }}
{%- endset -%}
{%- set parse_reason -%}
        case
            when customer_id is null then 'missing_key'
            when {{ is_unparseable('raw_event_ts', 'event_ts') }} then 'unparseable_date'
            when event_ts is null or event_type is null then 'missing_value'
        end
{%- endset -%}
{%- set parse_hash = parse_config_hash('events', codes=['event_type', 'category']) -%}
{{ parsed_config_guard(parse_hash) }}

with raw_events as (
    {{ raw_table('events') }}
),

lookback_start as (
    {{ lookback_start_sql() }}
),

candidate_events as (
    select raw_events.*
    from raw_events
    cross join lookback_start
    where {{ in_lookback(parse_timestamp('raw_events.event_ts')) }}
),

{%- if is_incremental() %}

staged_events as (
    select staged.row_hash, staged.copy_number
    from {{ this }} as staged
    cross join lookback_start
    where {{ in_lookback('staged.event_ts') }}
),
{%- endif %}

{{ new_raw_rows('events', 'candidate_events', 'staged_events') }},

parsed as (
    select
        row_hash,
        copy_number,
        {{ parse_columns }}
    from new_rows
)

select
    parsed.*,
    {{ parse_reason }} as parse_reject_reason,
    '{{ parse_hash }}' as parse_config_hash
from parsed
