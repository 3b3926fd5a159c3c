{#- One row per interest signal: a purchased order line (completed orders) or a browsing event
    that names a category, with its points before time decay:
      purchase line: interest_weight_spend × ln(1 + line amount) + interest_weight_quantity × quantity
      event:         interest_event_weights[event_type] (events of other types are not signals)
    Lines whose product has no known category and events without a category are not signals.
    Empty when products and order_items and events are all absent. -#}
{{ config(materialized='view') }}
{%- set event_weights = setting('interest_event_weights') %}

with order_lines as (
    select
        orders.customer_id,
        orders.order_ts as signal_ts,
        products.category,
        'purchase' as signal_kind,
        {{ setting('interest_weight_spend') }} * ln(1 + greatest(cast(items.line_amount as double), 0))
            + {{ setting('interest_weight_quantity') }} * greatest(items.quantity, 0) as points
    from {{ ref('stg_order_items') }} as items
    inner join {{ ref('stg_orders') }} as orders
        on items.order_id = orders.order_id
    inner join {{ ref('stg_products') }} as products
        on items.product_id = products.product_id
    where orders.is_completed
),

browsing as (
    select
        customer_id,
        event_ts as signal_ts,
        category,
        event_type as signal_kind,
        case event_type
            {%- for event_type, weight in event_weights.items() %}
            when '{{ event_type }}' then {{ weight }}
            {%- endfor %}
        end as points
    from {{ ref('stg_events') }}
    where category is not null
      and event_type in ({%- for event_type in event_weights.keys() -%}'{{ event_type }}'{{ ", " if not loop.last }}{%- endfor -%})
)

select customer_id, signal_ts, category, signal_kind, cast(points as double) as points from order_lines
union all
select customer_id, signal_ts, category, signal_kind, cast(points as double) as points from browsing
