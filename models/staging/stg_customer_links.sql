{#- One row per kept link (as given: customer_id -> linked_customer_id). -#}
select customer_id, linked_customer_id, link_type, linked_at
from {{ ref('stg_customer_links_checked') }}
where reject_reason is null
