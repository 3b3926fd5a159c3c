{#- One row per customer and feature date of int_customer_population: the first half of
    int_customer_features - explicit attributes, RFM, order and browsing behaviour - from the
    population, int_customer_rfm, int_customer_order_stats and int_customer_event_stats.
    int_customer_features adds interests and circles. Two models rather than one query of nine
    joins: a query's hash tables all stay in memory until it ends, and at 1M customers the nine
    (on the 3M customer-date rows) did not fit in 4 GB. Features whose source table is absent
    are null (events) or 0 (counts). -#}
with final as (
    select
        population.customer_id,
        population.feature_date_role,
        population.feature_date,

        -- explicit attributes
        population.age_years,
        {{ age_band('population.age_years') }} as age_band,
        population.gender,
        population.region,
        population.acquisition_channel,
        population.member_tier,
        population.tenure_days,

        -- RFM
        {{- rfm_value_columns('rfm') }}
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
        {%- for event_type in setting('feature_event_types') %}
        coalesce(event_stats.n_recent_{{ event_type }}, 0) as n_recent_{{ event_type }},
        {%- endfor %}
        {{ dbt.datediff('cast(event_stats.last_event_ts as date)', 'population.feature_date', 'day') }} as days_since_last_event
    from {{ ref('int_customer_population') }} as population
    inner join {{ ref('int_customer_rfm') }} as rfm
        on {{ same_customer_and_date('population', 'rfm') }}
    left join {{ ref('int_customer_order_stats') }} as order_stats
        on {{ same_customer_and_date('population', 'order_stats') }}
    left join {{ ref('int_customer_event_stats') }} as event_stats
        on {{ same_customer_and_date('population', 'event_stats') }}
)

select * from final
