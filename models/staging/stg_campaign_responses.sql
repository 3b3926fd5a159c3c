{#- One row per kept response. -#}
select campaign_id, customer_id, responded_at, response_type, revenue
from {{ ref('stg_campaign_responses_checked') }}
where reject_reason is null
