{#- One row per customer and feature date: the raw (unscaled) features — explicit attributes
    and implicit behaviour — everything seen before the end of that date. Input of
    int_customer_feature_vectors (scaled) and of the profile. Features whose source table is
    absent are null (events) or 0 (counts). Interest shares are pivoted to interest_<category>
    columns for the feature_max_categories most common categories. -#}
{%- set categories = top_values(ref('int_customer_interests'), 'category', var('feature_max_categories', 20), "feature_date_role = 'training'") -%}

with population as (
    select * from {{ ref('int_customer_population') }}
),

customers as (
    select * from {{ ref('stg_customers') }}
),

rfm as (
    select * from {{ ref('int_customer_rfm') }}
),

order_stats as (
    select * from {{ ref('int_customer_order_stats') }}
),

event_stats as (
    select * from {{ ref('int_customer_event_stats') }}
),

customer_circle as (
    select * from {{ ref('int_customer_circle') }}
),

circle_stats as (
    select * from {{ ref('int_circle_stats') }}
),

top_interests as (
    select * from {{ ref('int_customer_top_interests') }}
),

interest_shares as (
    select
        customer_id,
        feature_date_role
        {%- for category in categories %},
        sum(case when category = '{{ category | replace("'", "''") }}' then share_long else 0 end) as interest_{{ slugify(category) }}
        {%- endfor %}
    from {{ ref('int_customer_interests') }}
    group by customer_id, feature_date_role
),

final as (
    select
        population.customer_id,
        population.feature_date_role,
        population.feature_date,

        -- explicit attributes
        population.age_years,
        {{ age_band('population.age_years') }} as age_band,
        customers.gender,
        customers.region,
        customers.acquisition_channel,
        customers.member_tier,
        population.tenure_days,

        -- RFM
        rfm.recency_days,
        rfm.frequency,
        rfm.monetary,
        rfm.r_score,
        rfm.f_score,
        rfm.m_score,
        rfm.rfm_segment,
        rfm.has_completed_order,

        -- order behaviour
        coalesce(order_stats.n_orders, 0) as n_orders,
        coalesce(order_stats.n_completed_orders, 0) as n_completed_orders,
        coalesce(order_stats.lifetime_net_amount, 0) as lifetime_net_amount,
        cast(order_stats.lifetime_net_amount as double) / nullif(order_stats.n_completed_orders, 0) as avg_order_value,
        order_stats.max_order_amount,
        coalesce(cast(order_stats.n_returned_orders as double) / nullif(order_stats.n_orders, 0), 0) as return_rate,
        coalesce(cast(order_stats.n_cancelled_orders as double) / nullif(order_stats.n_orders, 0), 0) as cancel_rate,
        coalesce(cast(order_stats.discount_amount as double) / nullif(order_stats.lifetime_net_amount + order_stats.discount_amount, 0), 0) as discount_share,
        coalesce(cast(order_stats.n_discounted_orders as double) / nullif(order_stats.n_completed_orders, 0), 0) as discounted_order_share,
        coalesce(order_stats.recent_net_amount, 0) as recent_net_amount,
        coalesce(order_stats.previous_net_amount, 0) as previous_net_amount,
        coalesce(cast(order_stats.recent_net_amount - order_stats.previous_net_amount as double)
            / nullif(order_stats.recent_net_amount + order_stats.previous_net_amount, 0), 0) as spend_trend,
        coalesce(order_stats.recent_orders, 0) as recent_orders,
        coalesce(order_stats.previous_orders, 0) as previous_orders,
        cast(order_stats.sum_gap_days as double) / nullif(order_stats.n_gaps, 0) as mean_gap_days,
        case when order_stats.n_gaps > 1 then sqrt(greatest(
            (order_stats.sum_sq_gap_days - cast(order_stats.sum_gap_days as double) * order_stats.sum_gap_days / order_stats.n_gaps)
            / (order_stats.n_gaps - 1), 0)) end as std_gap_days,
        coalesce(order_stats.n_channels, 0) as n_channels,
        {{ dbt.datediff('cast(order_stats.first_order_ts as date)', 'population.feature_date', 'day') }} as days_since_first_order,

        -- browsing behaviour
        coalesce(event_stats.n_events, 0) as n_events,
        coalesce(event_stats.n_recent_events, 0) as n_recent_events,
        coalesce(event_stats.n_event_days, 0) as n_event_days,
        {%- for event_type in var('feature_event_types', ['view', 'click', 'cart', 'login', 'coupon_claim']) %}
        coalesce(event_stats.n_recent_{{ event_type }}, 0) as n_recent_{{ event_type }},
        {%- endfor %}
        {{ dbt.datediff('cast(event_stats.last_event_ts as date)', 'population.feature_date', 'day') }} as days_since_last_event,

        -- interests
        top_interests.dominant_interest,
        coalesce(top_interests.n_stable_interests, 0) as n_stable_interests,
        coalesce(top_interests.n_categories, 0) as n_interest_categories,

        -- circle (community)
        customer_circle.circle_id,
        customer_circle.circle_kind,
        customer_circle.circle_size,
        circle_stats.active_share as circle_active_share,
        circle_stats.median_monetary as circle_median_monetary,
        customer_circle.monetary_percentile_in_circle as circle_monetary_percentile,
        customer_circle.frequency_percentile_in_circle as circle_frequency_percentile,
        customer_circle.degree as circle_degree,
        customer_circle.referrals_made as circle_referrals_made
        {%- for category in categories %},
        coalesce(interest_shares.interest_{{ slugify(category) }}, 0) as interest_{{ slugify(category) }}
        {%- endfor %}
    from population
    inner join customers
        on population.customer_id = customers.customer_id
    inner join rfm
        on population.customer_id = rfm.customer_id
        and population.feature_date_role = rfm.feature_date_role
    left join order_stats
        on population.customer_id = order_stats.customer_id
        and population.feature_date_role = order_stats.feature_date_role
    left join event_stats
        on population.customer_id = event_stats.customer_id
        and population.feature_date_role = event_stats.feature_date_role
    left join top_interests
        on population.customer_id = top_interests.customer_id
        and population.feature_date_role = top_interests.feature_date_role
    left join customer_circle
        on population.customer_id = customer_circle.customer_id
        and population.feature_date_role = customer_circle.feature_date_role
    left join circle_stats
        on customer_circle.circle_id = circle_stats.circle_id
        and customer_circle.feature_date_role = circle_stats.feature_date_role
    left join interest_shares
        on population.customer_id = interest_shares.customer_id
        and population.feature_date_role = interest_shares.feature_date_role
)

select * from final
