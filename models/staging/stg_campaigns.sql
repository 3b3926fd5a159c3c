{#- One row per kept campaign. -#}
select campaign_id, campaign_name, objective, channel, start_date, end_date,
       cost_per_contact, fixed_cost, response_window_days, experiment_id
from {{ ref('stg_campaigns_checked') }}
where reject_reason is null
