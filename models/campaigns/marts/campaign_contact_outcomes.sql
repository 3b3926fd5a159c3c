{#- One row per observed contact (stg_campaign_contacts): arm, phase, the response window,
    the primary outcome, the order revenue, the response records and the predicted response
    given with the contact. Feeds the response model, the pilot gate and the results.
    - anchor_ts: when the contact was made (contacted_at), else the campaign start. Rollout
      contacts are often sent days after the start, so windows start at the contact.
    - window: [anchor_ts, anchor_ts + window_days), window_days = var campaign_post_window_days
      when set (> 0), else the campaign's response_window_days.
    - converted: the primary outcome, defined once by the campaign's objective through seed
      campaign_outcome_definitions (objective * = the default): orders = a completed order
      inside the window, events = a matching event inside the window, responses = a matching
      response record inside the window. Measured the same way in both arms.
    - order_revenue: net amount of the completed orders inside the window (both arms): the
      revenue every result uses.
    - responded / response_revenue: campaign_responses rows inside the window (secondary: an
      ESP export has them for the mailed customers only); responses outside it are counted,
      not used (n_responses_outside_window).
    - shared control: campaigns with the same experiment_id share one control. Every control
      contact of the experiment (once per customer: the earliest contact) is a control row of
      each campaign of the experiment that has treated contacts (control_source_campaign_id
      = the campaign it was loaded under); a control-only campaign keeps its own rows.
    - is_window_complete: the window ended by the end of as_of_date. Everything is computed
      from event times, so a rebuild at a later date gives the same numbers for closed windows. -#}
{%- set post_days = setting('campaign_post_window_days') -%}

with campaigns as (
    select * from {{ ref('campaign_definitions') }} where not is_planned_only
),

definitions as (
    select objective, outcome_source, coalesce(outcome_match, '*') as outcome_match
    from {{ ref('campaign_outcome_definitions') }}
),

campaign_outcomes as (
    select
        campaigns.campaign_id,
        coalesce(by_objective.outcome_source, fallback.outcome_source, 'orders') as outcome_source,
        coalesce(by_objective.outcome_match, fallback.outcome_match, '*') as outcome_match
    from campaigns
    left join definitions as by_objective on lower(campaigns.objective) = by_objective.objective
    left join definitions as fallback on fallback.objective = '*'
),

contacts as (
    select
        contacts.campaign_id,
        contacts.customer_id,
        contacts.arm,
        contacts.phase,
        contacts.contacted_at,
        contacts.predicted_response,
        campaigns.experiment_id
    from {{ ref('stg_campaign_contacts') }} as contacts
    inner join campaigns on contacts.campaign_id = campaigns.campaign_id
),

treated_campaigns as (
    select distinct campaign_id, experiment_id
    from contacts
    where experiment_id is not null and arm = 'treatment'
),

shared_control as (
    select
        contacts.*,
        row_number() over (
            partition by contacts.experiment_id, contacts.customer_id
            order by contacts.contacted_at, contacts.campaign_id
        ) as control_rank
    from contacts
    where contacts.experiment_id is not null and contacts.arm = 'control'
),

compared as (
    select
        contacts.campaign_id,
        contacts.customer_id,
        contacts.arm,
        contacts.phase,
        contacts.contacted_at,
        contacts.predicted_response,
        contacts.experiment_id,
        cast(null as {{ dbt.type_string() }}) as control_source_campaign_id
    from contacts
    left join treated_campaigns on contacts.campaign_id = treated_campaigns.campaign_id
    where contacts.experiment_id is null or contacts.arm = 'treatment' or treated_campaigns.campaign_id is null
    union all
    select
        treated_campaigns.campaign_id,
        shared_control.customer_id,
        shared_control.arm,
        shared_control.phase,
        shared_control.contacted_at,
        shared_control.predicted_response,
        shared_control.experiment_id,
        shared_control.campaign_id as control_source_campaign_id
    from shared_control
    inner join treated_campaigns on shared_control.experiment_id = treated_campaigns.experiment_id
    where shared_control.control_rank = 1
),

as_of as (
    select as_of_date, {{ dbt.dateadd('day', 1, 'cast(as_of_date as timestamp)') }} as as_of_end_ts
    from {{ ref('stg_as_of_date') }}
),

windows as (
    select
        compared.campaign_id,
        compared.customer_id,
        compared.arm,
        compared.phase,
        compared.contacted_at,
        compared.predicted_response,
        compared.experiment_id,
        compared.control_source_campaign_id,
        coalesce(compared.control_source_campaign_id, compared.campaign_id) as record_campaign_id,
        campaign_outcomes.outcome_source,
        campaign_outcomes.outcome_match,
        campaigns.start_date,
        coalesce(compared.contacted_at, cast(campaigns.start_date as timestamp)) as anchor_ts,
        cast({% if post_days > 0 %}{{ post_days }}{% else %}campaigns.response_window_days{% endif %} as {{ dbt.type_bigint() }}) as window_days
    from compared
    inner join campaigns on compared.campaign_id = campaigns.campaign_id
    inner join campaign_outcomes on compared.campaign_id = campaign_outcomes.campaign_id
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
        min(case when responses.responded_at >= bounded.anchor_ts and responses.responded_at < bounded.window_end_ts then responses.responded_at end) as first_response_ts,
        count(case when responses.responded_at >= bounded.anchor_ts and responses.responded_at < bounded.window_end_ts
            and (bounded.outcome_match = '*' or responses.response_type = bounded.outcome_match) then 1 end) as n_matching_responses
    from bounded
    inner join {{ ref('stg_campaign_responses') }} as responses
        on bounded.record_campaign_id = responses.campaign_id
        and bounded.customer_id = responses.customer_id
    group by bounded.campaign_id, bounded.customer_id
),

order_stats as (
    select
        bounded.campaign_id,
        bounded.customer_id,
        count(*) as n_orders,
        sum(orders.net_amount) as order_revenue
    from bounded
    inner join {{ ref('stg_orders') }} as orders
        on bounded.customer_id = orders.customer_id
        and orders.is_completed
        and orders.order_ts >= bounded.anchor_ts
        and orders.order_ts < bounded.window_end_ts
    group by bounded.campaign_id, bounded.customer_id
),

event_stats as (
    select
        bounded.campaign_id,
        bounded.customer_id,
        count(*) as n_matching_events
    from bounded
    inner join {{ ref('stg_events') }} as events
        on bounded.customer_id = events.customer_id
        and events.event_ts >= bounded.anchor_ts
        and events.event_ts < bounded.window_end_ts
        and (bounded.outcome_match = '*' or events.event_type = bounded.outcome_match)
    where bounded.outcome_source = 'events'
    group by bounded.campaign_id, bounded.customer_id
)

select
    bounded.campaign_id,
    bounded.customer_id,
    bounded.arm,
    bounded.phase,
    bounded.experiment_id,
    bounded.control_source_campaign_id,
    bounded.start_date,
    bounded.contacted_at,
    bounded.anchor_ts,
    bounded.window_days,
    bounded.window_end_ts,
    bounded.window_end_ts <= as_of.as_of_end_ts as is_window_complete,
    bounded.outcome_source,
    bounded.outcome_match,
    case
        when coalesce(case bounded.outcome_source
            when 'orders' then order_stats.n_orders
            when 'events' then event_stats.n_matching_events
            else response_stats.n_matching_responses
        end, 0) > 0 then 1
        else 0
    end as converted,
    cast(coalesce(order_stats.n_orders, 0) as {{ dbt.type_bigint() }}) as n_orders,
    cast(round(coalesce(order_stats.order_revenue, 0), 2) as {{ type_double() }}) as order_revenue,
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
left join order_stats
    on {{ same_keys('bounded', 'order_stats', ['campaign_id', 'customer_id']) }}
left join event_stats
    on {{ same_keys('bounded', 'event_stats', ['campaign_id', 'customer_id']) }}
