{#- Every raw row of orders once, parsed: a pure function of the row's text and the parsing
    settings (macros/staging/incremental.sql; docs/refresh.md). Incremental, append only: a run
    adds the raw rows not yet here, looking at rows with an order_ts on or after as_of_date -
    incremental_lookback_days, or none that parses. parse_reject_reason is the first failing
    check that needs nothing but the row; stg_orders_checked makes the others. -#}
{{ parsed_rows_config() }}

{%- set codes = ['status', 'channel'] -%}
{%- set parse_reason -%}
        case
            when order_id is null then 'missing_key'
            when customer_id is null then 'missing_value'
            {{ when_unparseable('orders', 'order_ts') }}
            when order_ts is null then 'missing_value'
            {{ when_unparseable('orders', 'order_amount') }}
            when order_amount is null then 'missing_value'
        end
{%- endset -%}
{%- set parse_hash = parse_config_hash('orders', codes=codes) -%}
{{ parsed_config_guard(parse_hash) }}

with {{ dated_new_raw_rows('orders', 'order_ts') }},

{{ parsed_new_rows('orders', codes, parse_reason, parse_hash) }}
