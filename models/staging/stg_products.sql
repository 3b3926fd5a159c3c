{#- One row per kept product. -#}
select product_id, category, subcategory, brand
from {{ ref('stg_products_checked') }}
where reject_reason is null
