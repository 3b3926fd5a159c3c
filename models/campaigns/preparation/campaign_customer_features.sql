{#- Point-in-time features of a customer, for the response model and the segment breakdown.
    feature_context:
      contact  one row per observed contact, computed from rows strictly before the campaign's
               start date (feature_date = the day before the start): what was known when the
               campaign was planned, so nothing the campaign caused leaks in;
      scoring  one row per customer at as_of_date (rows before the end of that day), to score
               the audiences of the next campaign (campaign_id is null).
    The same SQL computes both, like the feature dates of the intermediate layer (which exist
    at three fixed dates only, none of them at a campaign start). Definitions follow
    int_customer_order_stats / int_customer_rfm / the lifecycle rule: completed orders are
    revenue; recent / previous = the last trend_window_days (90) / the window before;
    rfm_segment and lifecycle_stage are the RFM segment (macros/features/rfm.sql: scores among every
    customer with a completed order at that date) and the rule stage at feature_date
    (contact rows only for rfm_segment). -#}
{%- set t = setting('trend_window_days') -%}
{%- set recent_days = setting('feature_recent_days') -%}

with campaigns as (
    select campaign_id, start_date from {{ ref('stg_campaigns') }}
),

as_of as (
    select as_of_date, {{ dbt.dateadd('day', 1, 'cast(as_of_date as timestamp)') }} as as_of_end_ts
    from {{ ref('stg_as_of_date') }}
),

customers as (
    select customer_id, signup_date from {{ ref('stg_customers') }}
),

orders as (
    select customer_id, order_ts, order_date, is_completed, net_amount from {{ ref('stg_orders') }}
),

events as (
    select customer_id, event_ts from {{ ref('stg_events') }}
),

contacts as (
    select campaign_id, customer_id from {{ ref('stg_campaign_contacts') }}
),

-- every compared contact, with an experiment's shared control under each of its campaigns
compared_contacts as (
    select campaign_id, customer_id from {{ ref('campaign_contact_outcomes') }}
),

responses as (
    select customer_id, responded_at from {{ ref('stg_campaign_responses') }}
),

segments as (
    select * from {{ ref('rfm_segments') }}
),

anchors as (
    select
        {{ dbt.concat(["'contact|'", 'compared_contacts.campaign_id', "'|'", 'compared_contacts.customer_id']) }} as anchor_id,
        cast('contact' as {{ dbt.type_string() }}) as feature_context,
        compared_contacts.campaign_id,
        compared_contacts.customer_id,
        cast(campaigns.start_date as timestamp) as feature_end_ts
    from compared_contacts
    inner join campaigns on compared_contacts.campaign_id = campaigns.campaign_id
    union all
    select
        {{ dbt.concat(["'scoring||'", 'customers.customer_id']) }} as anchor_id,
        cast('scoring' as {{ dbt.type_string() }}) as feature_context,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        customers.customer_id,
        as_of.as_of_end_ts as feature_end_ts
    from customers
    cross join as_of
),

anchor_dates as (
    select
        anchors.*,
        cast({{ dbt.dateadd('day', -1, 'anchors.feature_end_ts') }} as date) as feature_date
    from anchors
),

first_orders as (
    select customer_id, min(order_date) as first_order_date from orders group by customer_id
),

order_stats as (
    select
        anchor_dates.anchor_id,
        count(*) as n_orders,
        count(case when orders.is_completed then 1 end) as n_completed_orders,
        max(case when orders.is_completed then orders.order_ts end) as last_completed_ts,
        count(case when orders.is_completed{{ in_rfm_window('orders.order_ts', 'anchor_dates.feature_end_ts') }} then 1 end) as frequency,
        coalesce(sum(case when orders.is_completed{{ in_rfm_window('orders.order_ts', 'anchor_dates.feature_end_ts') }} then orders.net_amount end), 0) as monetary,
        count(case when orders.is_completed and orders.order_ts >= {{ dbt.dateadd('day', -t, 'anchor_dates.feature_end_ts') }} then 1 end) as recent_orders,
        count(case when orders.is_completed and orders.order_ts >= {{ dbt.dateadd('day', -2 * t, 'anchor_dates.feature_end_ts') }}
                    and orders.order_ts < {{ dbt.dateadd('day', -t, 'anchor_dates.feature_end_ts') }} then 1 end) as previous_orders,
        coalesce(sum(case when orders.is_completed and orders.order_ts >= {{ dbt.dateadd('day', -t, 'anchor_dates.feature_end_ts') }} then orders.net_amount end), 0) as recent_net_amount
    {{ seen_before_anchor('orders', 'order_ts') }}
),

event_stats as (
    select
        anchor_dates.anchor_id,
        count(case when events.event_ts >= {{ dbt.dateadd('day', -recent_days, 'anchor_dates.feature_end_ts') }} then 1 end) as n_recent_events,
        max(events.event_ts) as last_event_ts
    {{ seen_before_anchor('events', 'event_ts') }}
),

campaign_history as (
    select
        anchor_dates.anchor_id,
        count(*) as n_prior_contacts
    from anchor_dates
    inner join contacts on anchor_dates.customer_id = contacts.customer_id
    inner join campaigns on contacts.campaign_id = campaigns.campaign_id
    where cast(campaigns.start_date as timestamp) < anchor_dates.feature_end_ts
      and (anchor_dates.campaign_id is null or contacts.campaign_id <> anchor_dates.campaign_id)
    group by anchor_dates.anchor_id
),

response_history as (
    select
        anchor_dates.anchor_id,
        count(*) as n_prior_responses
    {{ seen_before_anchor('responses', 'responded_at') }}
),

{# RFM segment at each campaign start, scored among every customer with a completed order
    before it (as int_customer_rfm does at the feature dates). #}
rfm_dates as (
    select distinct feature_end_ts, feature_date from anchor_dates where feature_context = 'contact'
),

rfm_values as (
    select
        rfm_dates.feature_end_ts,
        orders.customer_id,
        {{ dbt.datediff('cast(max(orders.order_ts) as date)', 'rfm_dates.feature_date', 'day') }} as recency_days,
        count(case when 1 = 1{{ in_rfm_window('orders.order_ts', 'rfm_dates.feature_end_ts') }} then 1 end) as frequency,
        coalesce(sum(case when 1 = 1{{ in_rfm_window('orders.order_ts', 'rfm_dates.feature_end_ts') }} then orders.net_amount end), 0) as monetary
    from rfm_dates
    inner join orders
        on orders.is_completed
        and orders.order_ts < rfm_dates.feature_end_ts
    group by rfm_dates.feature_end_ts, rfm_dates.feature_date, orders.customer_id
),

rfm_scored as (
    select
        feature_end_ts,
        customer_id,
        {{ rfm_score('recency_days desc', 'feature_end_ts') }} as r_score,
        {{ rfm_score('frequency', 'feature_end_ts') }} as f_score,
        {{ rfm_score('monetary', 'feature_end_ts') }} as m_score
    from rfm_values
),

segment_lookup as (
    {{ rfm_segment_lookup('segments') }}
),

rfm_segmented as (
    select
        rfm_scored.feature_end_ts,
        rfm_scored.customer_id,
        segment_lookup.segment
    from rfm_scored
    left join segment_lookup
        on rfm_scored.r_score = segment_lookup.r_score
        and {{ rfm_fm_score('rfm_scored.f_score', 'rfm_scored.m_score') }} = segment_lookup.fm_score
),

rfm_in_population as (
    select feature_end_ts, customer_id from rfm_values
),

features as (
    select
        anchor_dates.anchor_id,
        anchor_dates.feature_context,
        anchor_dates.campaign_id,
        anchor_dates.customer_id,
        anchor_dates.feature_date,
        {{ dbt.datediff(
            "case when customers.signup_date is null or first_orders.first_order_date < customers.signup_date then first_orders.first_order_date else customers.signup_date end",
            'anchor_dates.feature_date', 'day') }} as tenure_days,
        case when order_stats.last_completed_ts is not null then 1 else 0 end as has_completed_order,
        case when order_stats.last_completed_ts is not null
             then {{ dbt.datediff('cast(order_stats.last_completed_ts as date)', 'anchor_dates.feature_date', 'day') }}
        end as recency_days,
        coalesce(order_stats.frequency, 0) as frequency,
        cast(coalesce(order_stats.monetary, 0) as {{ type_double() }}) as monetary,
        coalesce(order_stats.n_orders, 0) as n_orders,
        coalesce(order_stats.recent_orders, 0) as recent_orders,
        coalesce(order_stats.previous_orders, 0) as previous_orders,
        cast(coalesce(order_stats.recent_net_amount, 0) as {{ type_double() }}) as recent_net_amount,
        coalesce(event_stats.n_recent_events, 0) as n_recent_events,
        {{ dbt.datediff('cast(event_stats.last_event_ts as date)', 'anchor_dates.feature_date', 'day') }} as days_since_last_event,
        coalesce(campaign_history.n_prior_contacts, 0) as n_prior_contacts,
        coalesce(response_history.n_prior_responses, 0) as n_prior_responses,
        case
            when anchor_dates.feature_context = 'contact'
            then {{ rfm_segment_name('rfm_in_population.customer_id is not null', 'rfm_segmented.segment') }}
        end as rfm_segment
    from anchor_dates
    left join customers on anchor_dates.customer_id = customers.customer_id
    left join first_orders on anchor_dates.customer_id = first_orders.customer_id
    left join order_stats on anchor_dates.anchor_id = order_stats.anchor_id
    left join event_stats on anchor_dates.anchor_id = event_stats.anchor_id
    left join campaign_history on anchor_dates.anchor_id = campaign_history.anchor_id
    left join response_history on anchor_dates.anchor_id = response_history.anchor_id
    left join rfm_in_population
        on {{ same_keys('anchor_dates', 'rfm_in_population', ['feature_end_ts', 'customer_id']) }}
    left join rfm_segmented
        on {{ same_keys('anchor_dates', 'rfm_segmented', ['feature_end_ts', 'customer_id']) }}
)

select
    feature_context,
    campaign_id,
    customer_id,
    feature_date,
    tenure_days,
    has_completed_order,
    recency_days,
    frequency,
    monetary,
    n_orders,
    recent_orders,
    previous_orders,
    recent_net_amount,
    n_recent_events,
    days_since_last_event,
    n_prior_contacts,
    n_prior_responses,
    rfm_segment,
    {{ lifecycle_stage('tenure_days', 'recency_days', 'recent_orders', 'previous_orders') }} as lifecycle_stage
from features
