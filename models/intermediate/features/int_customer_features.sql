{#- One row per customer and feature date: the raw (unscaled) features - explicit attributes
    and implicit behaviour - everything seen before the end of that date. Input of
    int_customer_feature_vectors (scaled) and of the profile. The attributes, RFM, order and
    browsing features come from int_customer_behaviour_features (built apart so the joins of
    each model fit in memory at 1M customers); this model adds interests, the circle and the purchase
    model's scores at the same feature date (fitted on the history before its end only).
    Features whose source table is absent are null (events) or 0 (counts). Interest shares are
    pivoted to interest_<category> columns for the feature_max_categories most common
    categories. -#}
{%- set categories = top_values(ref('int_customer_interests'), 'category', setting('feature_max_categories'), "feature_date_role = 'training'") -%}

with interest_shares as (
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
        behaviour_features.*,

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
        customer_circle.referrals_made as circle_referrals_made,

        -- the purchase model (BG/NBD, Gamma-Gamma) fitted at the same date on its history only
        purchase_scores.bgnbd_p_alive,
        purchase_scores.bgnbd_expected_purchases,
        purchase_scores.clv
        {%- for category in categories %},
        coalesce(interest_shares.interest_{{ slugify(category) }}, 0) as interest_{{ slugify(category) }}
        {%- endfor %}
    from {{ ref('int_customer_behaviour_features') }} as behaviour_features
    left join {{ ref('int_customer_top_interests') }} as top_interests
        on {{ same_customer_and_date('behaviour_features', 'top_interests') }}
    left join {{ ref('int_customer_circle') }} as customer_circle
        on {{ same_customer_and_date('behaviour_features', 'customer_circle') }}
    left join {{ ref('int_circle_stats') }} as circle_stats
        on {{ same_keys('customer_circle', 'circle_stats', ['circle_id', 'feature_date_role']) }}
    left join interest_shares
        on {{ same_customer_and_date('behaviour_features', 'interest_shares') }}
    left join {{ ref('ml_customer_purchase_scores') }} as purchase_scores
        on {{ same_customer_and_date('behaviour_features', 'purchase_scores') }}
)

select * from final
