{#- One row per kept event (no key: events are not de-duplicated). category falls back to the
    product's category when the event has none. -#}
with events as (
    select customer_id, event_ts, event_type, product_id, category
    from {{ ref('stg_events_checked') }}
    where reject_reason is null
),

products as (
    select product_id, category from {{ ref('stg_products') }}
)

select
    events.customer_id,
    events.event_ts,
    cast(events.event_ts as date) as event_date,
    events.event_type,
    events.product_id,
    coalesce(events.category, products.category) as category
from events
left join products
    on events.product_id = products.product_id
