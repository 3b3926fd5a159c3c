{#- One row per kept contact (campaign_id, customer_id). -#}
select campaign_id, customer_id, arm, phase, contacted_at, predicted_response
from {{ ref('stg_campaign_contacts_checked') }}
where reject_reason is null
