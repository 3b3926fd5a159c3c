{#- Every input row of orders, parsed, with the reason it is rejected (null = kept). The rows
    come parsed from stg_orders_parsed (incremental); the checks that depend on context
    (as_of_date, the kept customers, the other rows of an order_id) run here on every build.
    Duplicates of an order_id among otherwise valid rows: the kept row is the latest
    order_ts (a later version of an order is taken as its correction), then the most complete,
    then the lexically smallest raw row. -#}
{{ config(materialized='table') }}

{%- set statuses = [] -%}
{%- for status in setting('order_statuses') -%}{%- do statuses.append(string_literal(status)) -%}{%- endfor -%}

{{ checked_rows('orders', parsed_model='stg_orders_parsed', customer_columns=['customer_id'],
    checks=[
        ('parsed.status is null or parsed.status not in (' ~ statuses | join(', ') ~ ')', 'unknown_status'),
        ('parsed.order_ts >= as_of.as_of_end_ts', 'after_as_of_date'),
        ('parsed.order_ts < as_of.min_valid_ts', 'before_min_date'),
        ("parsed.status = 'completed' and parsed.order_amount < 0", 'negative_amount'),
        (none, 'unknown_customer'),
    ],
    value_checks=[('discount_amount', 'parsed.discount_amount < 0', 'negative_amount')],
    keys=['order_id'], prefer=['order_ts desc', missing_count(['discount_amount', 'channel'])]) }}
