{#- Every customer of int_customer_population at a feature date has exactly one circle
    membership at that date, and no membership exists outside the population. Returns the
    offending rows. -#}
with population as (
    select customer_id, feature_date_role from {{ ref('int_customer_population') }}
),

membership_counts as (
    select customer_id, feature_date_role, count(*) as n_memberships
    from {{ ref('int_circle_membership') }}
    group by customer_id, feature_date_role
),

population_without_one_membership as (
    select
        population.customer_id,
        population.feature_date_role,
        coalesce(membership_counts.n_memberships, 0) as n_memberships,
        'population row without exactly one membership' as problem
    from population
    left join membership_counts
        on {{ same_customer_and_date('population', 'membership_counts') }}
    where coalesce(membership_counts.n_memberships, 0) <> 1
),

membership_outside_population as (
    select
        membership_counts.customer_id,
        membership_counts.feature_date_role,
        membership_counts.n_memberships,
        'membership outside the population' as problem
    from membership_counts
    left join population
        on {{ same_customer_and_date('membership_counts', 'population') }}
    where population.customer_id is null
),

final as (
    select * from population_without_one_membership
    union all
    select * from membership_outside_population
)

select * from final
