{#- Every input row of order_items, parsed, with the reason it is rejected (null = kept).
    Lines have no key of their own: exact copies of a line (same order, product, quantity and
    unit price) are rejected as duplicate_row, one copy kept. Lines that differ are all kept
    and numbered (line_number) within the order. The rows come parsed from
    stg_order_items_parsed (incremental); the checks against the orders run here on every build.
    Copies and lines are numbered by one window (number_within): two windows, one after the
    other, took a third longer at 1M customers (40M lines: 60 s against 44 s alone). -#}
{{ config(materialized='table') }}

{#- an order_id may appear several times in the checked orders (duplicates): an item belongs
    to the kept one if there is one. -#}
{%- set orders_by_id -%}
select
        order_id,
        max(case when reject_reason is null then status end) as kept_status,
        max(case when reject_reason is null then 1 else 0 end) as is_kept
    from {{ ref('stg_orders_checked') }}
    where order_id is not null
    group by order_id
{%- endset -%}

{{ checked_rows('order_items', parsed_model='stg_order_items_parsed', as_of=false,
    lookups=[{'name': 'orders_by_id', 'on': 'order_id', 'rows': orders_by_id}],
    checks=[
        ('orders_by_id.order_id is null', 'unknown_order'),
        ('orders_by_id.is_kept = 0', 'unknown_order'),
        ('parsed.unit_price < 0', 'negative_amount'),
        ('parsed.quantity = 0', 'nonpositive_quantity'),
        ("parsed.quantity < 0 and orders_by_id.kept_status not in ('cancelled', 'returned')", 'nonpositive_quantity'),
    ] + ([('parsed.unit_price = 0', 'zero_price')] if setting('reject_zero_price') else []) + [
        ('abs(cast(parsed.quantity as double) * cast(parsed.unit_price as double)) >= 1e16', 'invalid_range'),
    ],
    keys=['order_id', 'product_id', 'quantity', 'unit_price'], duplicate_reason='duplicate_row',
    number_within=['order_id'], number_column='line_number') }}
