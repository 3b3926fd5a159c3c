{#- One row per kept consent (customer_id, channel): the latest status of each customer on each channel. -#}
select customer_id, channel, status, updated_at
from {{ ref('stg_consents_checked') }}
where reject_reason is null
