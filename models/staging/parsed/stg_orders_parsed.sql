{#- Every raw row of orders once, parsed: a pure function of the row's text and the parsing
    settings (macros/incremental.sql; README "Daily refresh"). Incremental, append only: a run
    adds the raw rows not yet here, looking at rows with an order_ts on or after as_of_date -
    incremental_lookback_days, or none that parses. parse_reject_reason is the first failing
    check that needs nothing but the row; stg_orders_checked makes the others. -#}
{{ parsed_rows_config() }}

{%- set parse_columns -%}
        {{ parsed_contract_columns('orders', codes=['status', 'channel']) }}
{%- endset -%}
{%- set parse_reason -%}
        case
            when order_id is null then 'missing_key'
            when customer_id is null then 'missing_value'
            when {{ is_unparseable('raw_order_ts', 'order_ts') }} then 'unparseable_date'
            when order_ts is null then 'missing_value'
            when {{ is_unparseable('raw_order_amount', 'order_amount') }} then 'unparseable_number'
            when {{ is_unparseable('raw_discount_amount', 'discount_amount') }} then 'unparseable_number'
            when order_amount is null then 'missing_value'
        end
{%- endset -%}
{%- set parse_hash = parse_config_hash('orders', codes=['status', 'channel']) -%}
{{ parsed_config_guard(parse_hash) }}

with raw_orders as (
    {{ raw_table('orders') }}
),

lookback_start as (
    {{ lookback_start_sql() }}
),

candidate_orders as (
    select raw_orders.*
    from raw_orders
    cross join lookback_start
    where {{ in_lookback(parse_timestamp('raw_orders.order_ts')) }}
),

{%- if is_incremental() %}

staged_orders as (
    select staged.row_hash, staged.copy_number
    from {{ this }} as staged
    cross join lookback_start
    where {{ in_lookback('staged.order_ts') }}
),
{%- endif %}

{{ new_raw_rows('orders', 'candidate_orders', 'staged_orders') }},

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
