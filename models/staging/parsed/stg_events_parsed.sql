{#- Every raw row of events once, parsed: a pure function of the row's text and the parsing
    settings (macros/staging/incremental.sql; docs/refresh.md). Incremental, append only: a run
    adds the raw rows not yet here, looking at rows with an event_ts on or after as_of_date -
    incremental_lookback_days, or none that parses. Identical events are all kept (copy_number
    tells them apart). parse_reject_reason is the first failing check that needs nothing but
    the row; stg_events_checked makes the others. -#}
{{ parsed_rows_config() }}

{%- set codes = ['event_type', 'category'] -%}
{%- set parse_reason -%}
        case
            when customer_id is null then 'missing_key'
            {{ when_unparseable('events', 'event_ts') }}
            when event_ts is null or event_type is null then 'missing_value'
        end
{%- endset -%}
{%- set parse_hash = parse_config_hash('events', codes=codes) -%}
{{ parsed_config_guard(parse_hash) }}

with {{ dated_new_raw_rows('events', 'event_ts') }},

{{ parsed_new_rows('events', codes, parse_reason, parse_hash) }}
