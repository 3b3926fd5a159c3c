{#- One row per customer, category and feature date with any signal before it: the customer's
    long- and short-term affinity, its share of the customer's total, the population's share
    of that category, and lift = customer share / population share (long-term).
    is_top_k: among the customer's interest_top_k (default 3) categories by long-term affinity
    (ties broken by category name). is_stable: a top-k interest holding at least
    interest_stable_min_share (default 0.15) of the long-term total and still present recently
    (a signal in the last interest_recent_days, default 90). Empty without products+order_items
    and events. The customer's totals are window sums over the same partition as the rank. -#}
with affinity as (
    select * from {{ ref('int_customer_category_affinity') }}
    where n_signals > 0
),

population_totals as (
    select feature_date_role, category, {{ deterministic_sum('affinity_long') }} as category_long
    from affinity
    group by feature_date_role, category
),

population_shares as (
    select
        feature_date_role,
        category,
        category_long / nullif({{ deterministic_sum('category_long', over='partition by feature_date_role') }}, 0) as population_share_long
    from population_totals
),

shares as (
    select
        affinity.customer_id,
        affinity.feature_date_role,
        affinity.category,
        affinity.affinity_long,
        affinity.affinity_short,
        affinity.n_signals,
        affinity.n_purchase_signals,
        affinity.n_recent_signals,
        affinity.affinity_long / nullif({{ deterministic_sum('affinity.affinity_long',
            over='partition by affinity.customer_id, affinity.feature_date_role') }}, 0) as share_long,
        affinity.affinity_short / nullif({{ deterministic_sum('affinity.affinity_short',
            over='partition by affinity.customer_id, affinity.feature_date_role') }}, 0) as share_short,
        population_shares.population_share_long,
        {#- affinities equal to 9 decimals are a tie, broken by category: the last bits of a
            decayed sum differ between engines and summation orders, so they must not decide -#}
        row_number() over (
            partition by affinity.customer_id, affinity.feature_date_role
            order by round(affinity.affinity_long, 9) desc, affinity.category) as rank_long
    from affinity
    inner join population_shares
        on {{ same_keys('affinity', 'population_shares', ['feature_date_role', 'category']) }}
)

select
    customer_id,
    feature_date_role,
    category,
    affinity_long,
    affinity_short,
    share_long,
    share_short,
    population_share_long,
    share_long / nullif(population_share_long, 0) as lift_long,
    rank_long,
    n_signals,
    n_purchase_signals,
    n_recent_signals,
    rank_long <= {{ setting('interest_top_k') }} as is_top_k,
    rank_long <= {{ setting('interest_top_k') }}
        and share_long >= {{ setting('interest_stable_min_share') }}
        and n_recent_signals > 0 as is_stable
from shares
