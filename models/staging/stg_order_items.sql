{#- One row per kept order line (order_id, line_number). -#}
select
    order_id,
    line_number,
    product_id,
    quantity,
    unit_price,
    cast(quantity * unit_price as {{ type_money() }}) as line_amount
from {{ ref('stg_order_items_checked') }}
where reject_reason is null
