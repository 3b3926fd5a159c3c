{#- Every raw row of order_items once, parsed: a pure function of the row's text and the
    parsing settings (macros/staging/incremental.sql; docs/refresh.md). Incremental, append only:
    a line has no date of its own, so a run looks at the lines whose order_id is not a settled
    order (one whose parsed rows in stg_orders_parsed all have an order_ts before as_of_date -
    incremental_lookback_days): lines of recent, unknown or undated orders. Exact copies of a
    line are all here (copy_number tells them apart; stg_order_items_checked rejects the extra
    copies). parse_reject_reason is the first failing check that needs nothing but the row. -#}
{{ parsed_rows_config() }}
-- depends_on: {{ ref('stg_orders_parsed') }}

{%- set codes = [] -%}
{%- set parse_reason -%}
        case
            when order_id is null then 'missing_key'
            when product_id is null then 'missing_value'
            {{ when_unparseable('order_items', 'quantity') }}
            {{ when_unparseable('order_items', 'unit_price') }}
            when quantity is null or unit_price is null then 'missing_value'
        end
{%- endset -%}
{%- set parse_hash = parse_config_hash('order_items', codes=codes) -%}
{{ parsed_config_guard(parse_hash) }}

with raw_order_items as (
    {{ raw_table('order_items') }}
),

lookback_start as (
    {{ lookback_start_sql() }}
),

{%- if is_incremental() %}

settled_orders as (
    select orders.order_id
    from {{ ref('stg_orders_parsed') }} as orders
    cross join lookback_start
    where orders.order_id is not null
    group by orders.order_id
    having max(case when {{ in_lookback('orders.order_ts') }} then 1 else 0 end) = 0
),

candidate_order_items as (
    select raw_order_items.*
    from raw_order_items
    left join settled_orders
        on {{ clean_text('raw_order_items.order_id') }} = settled_orders.order_id
    where settled_orders.order_id is null
),

staged_order_items as (
    {#- the staged lines a candidate could equal: those of orders that are not settled -#}
    select staged.row_hash, staged.copy_number
    from {{ this }} as staged
    left join settled_orders
        on staged.order_id = settled_orders.order_id
    where settled_orders.order_id is null
),
{%- else %}

candidate_order_items as (
    select * from raw_order_items
),
{%- endif %}

{{ new_raw_rows('order_items', 'candidate_order_items', 'staged_order_items') }},

{{ parsed_new_rows('order_items', codes, parse_reason, parse_hash) }}
