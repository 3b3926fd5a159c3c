{#- One row per customer and feature date with any interest signal: the dominant (rank 1)
    category, the top-k categories in order as text, and the stable interests. -#}
with interests as (
    select * from {{ ref('int_customer_interests') }}
)

select
    customer_id,
    feature_date_role,
    max(case when rank_long = 1 then category end) as dominant_interest,
    max(case when rank_long = 1 then share_long end) as dominant_interest_share,
    {{ ordered_string_agg("case when is_top_k then category end", "rank_long") }} as top_interests,
    {{ ordered_string_agg("case when is_stable then category end", "rank_long") }} as stable_interests,
    count(case when is_stable then 1 end) as n_stable_interests,
    count(*) as n_categories
from interests
group by customer_id, feature_date_role
