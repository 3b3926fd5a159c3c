{#- One row per observed contact (stg_campaign_contacts): arm, phase, the response window,
    the response and its revenue, and the predicted response given with the contact. Feeds the
    response model, the pilot gate and the results.
    - anchor_ts: when the contact was made (contacted_at), else the campaign start. Rollout
      contacts are often sent days after the start, so windows start at the contact.
    - window: [anchor_ts, anchor_ts + window_days), window_days = var campaign_post_window_days
      when set (> 0), else the campaign's response_window_days.
    - responded: 1 when a response (stg_campaign_responses) falls inside the window;
      responses outside it are counted, not used (n_responses_outside_window).
    - is_window_complete: the window ended by the end of as_of_date. Everything is computed
      from event times, so a rebuild at a later date gives the same numbers for closed windows. -#}
{%- set post_days = setting('campaign_post_window_days') -%}

with campaigns as (
    select * from {{ ref('campaign_definitions') }} where not is_planned_only
),

as_of as (
    select as_of_date, {{ dbt.dateadd('day', 1, 'cast(as_of_date as timestamp)') }} as as_of_end_ts
    from {{ ref('stg_as_of_date') }}
),

windows as (
    select
        contacts.campaign_id,
        contacts.customer_id,
        contacts.arm,
        contacts.phase,
        contacts.contacted_at,
        contacts.predicted_response,
        campaigns.start_date,
        coalesce(contacts.contacted_at, cast(campaigns.start_date as timestamp)) as anchor_ts,
        cast({% if post_days > 0 %}{{ post_days }}{% else %}campaigns.response_window_days{% endif %} as {{ dbt.type_bigint() }}) as window_days
    from {{ ref('stg_campaign_contacts') }} as contacts
    inner join campaigns on contacts.campaign_id = campaigns.campaign_id
),

bounded as (
    select
        windows.*,
        {{ dbt.dateadd('day', 'windows.window_days', 'windows.anchor_ts') }} as window_end_ts
    from windows
),

response_stats as (
    select
        bounded.campaign_id,
        bounded.customer_id,
        count(case when responses.responded_at >= bounded.anchor_ts and responses.responded_at < bounded.window_end_ts then 1 end) as n_responses,
        count(case when responses.responded_at < bounded.anchor_ts or responses.responded_at >= bounded.window_end_ts then 1 end) as n_responses_outside_window,
        coalesce(sum(case when responses.responded_at >= bounded.anchor_ts and responses.responded_at < bounded.window_end_ts then responses.revenue end), 0) as response_revenue,
        min(case when responses.responded_at >= bounded.anchor_ts and responses.responded_at < bounded.window_end_ts then responses.responded_at end) as first_response_ts
    from bounded
    inner join {{ ref('stg_campaign_responses') }} as responses
        on {{ same_keys('bounded', 'responses', ['campaign_id', 'customer_id']) }}
    group by bounded.campaign_id, bounded.customer_id
)

select
    bounded.campaign_id,
    bounded.customer_id,
    bounded.arm,
    bounded.phase,
    bounded.start_date,
    bounded.contacted_at,
    bounded.anchor_ts,
    bounded.window_days,
    bounded.window_end_ts,
    bounded.window_end_ts <= as_of.as_of_end_ts as is_window_complete,
    case when coalesce(response_stats.n_responses, 0) > 0 then 1 else 0 end as responded,
    coalesce(response_stats.n_responses, 0) as n_responses,
    coalesce(response_stats.n_responses_outside_window, 0) as n_responses_outside_window,
    cast(coalesce(response_stats.response_revenue, 0) as {{ type_double() }}) as response_revenue,
    response_stats.first_response_ts,
    bounded.predicted_response,
    as_of.as_of_date
from bounded
cross join as_of
left join response_stats
    on {{ same_keys('bounded', 'response_stats', ['campaign_id', 'customer_id']) }}
