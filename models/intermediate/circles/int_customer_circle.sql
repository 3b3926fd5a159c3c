{#- One row per customer and feature date of int_customer_population: the customer's circle with
    its kind, size and tags, where the customer stands inside it (percent_rank on monetary and on
    frequency; null in a circle of one), and the customer's influence through visible links:
    degree, referrals made and the spend of the customers referred.
    Referral direction: var circle_referrer_column names the end of a referral link that made the
    referral ('customer_id' by default: customer_id referred linked_customer_id). -#}
{%- set settings = settings_of_group('circles') -%}
{%- set referrer_is_given_end = settings['circle_referrer_column'] == 'customer_id' -%}

with circle_stats as (
    select circle_id, feature_date_role, circle_size, circle_tags from {{ ref('int_circle_stats') }}
),

rfm as (
    select customer_id, feature_date_role, frequency, monetary from {{ ref('int_customer_rfm') }}
),

edges as (
    select * from {{ ref('int_circle_edges') }}
),

degrees as (
    select
        customer_id,
        feature_date_role,
        count(distinct linked_customer_id) as degree
    from edges
    group by customer_id, feature_date_role
),

{# A referral edge read from the referrer: the given direction when the referrer is
    customer_id, the reversed one otherwise. -#}
referrals as (
    select
        edges.customer_id as referrer_customer_id,
        edges.linked_customer_id as referred_customer_id,
        edges.feature_date_role
    from edges
    where edges.link_type = 'referral'
      and {{ "" if referrer_is_given_end else "not " }}edges.is_given_direction
),

referral_influence as (
    select
        referrals.referrer_customer_id as customer_id,
        referrals.feature_date_role,
        count(distinct referrals.referred_customer_id) as referrals_made,
        coalesce(sum(rfm.monetary), 0) as referred_customers_monetary
    from referrals
    left join rfm
        on referrals.referred_customer_id = rfm.customer_id
        and referrals.feature_date_role = rfm.feature_date_role
    group by referrals.referrer_customer_id, referrals.feature_date_role
),

positioned as (
    select
        membership.customer_id,
        membership.feature_date_role,
        membership.feature_date,
        membership.circle_id,
        membership.circle_kind,
        membership.is_converged,
        rfm.monetary,
        rfm.frequency,
        percent_rank() over (
            partition by membership.circle_id, membership.feature_date_role
            order by coalesce(rfm.monetary, 0)) as monetary_rank_in_circle,
        percent_rank() over (
            partition by membership.circle_id, membership.feature_date_role
            order by coalesce(rfm.frequency, 0)) as frequency_rank_in_circle
    from {{ ref('int_circle_membership') }} as membership
    left join rfm
        on {{ same_customer_and_date('membership', 'rfm') }}
),

final as (
    select
        positioned.customer_id,
        positioned.feature_date_role,
        positioned.feature_date,
        positioned.circle_id,
        positioned.circle_kind,
        circle_stats.circle_size,
        circle_stats.circle_tags,
        case when circle_stats.circle_size > 1 then positioned.monetary_rank_in_circle end as monetary_percentile_in_circle,
        case when circle_stats.circle_size > 1 then positioned.frequency_rank_in_circle end as frequency_percentile_in_circle,
        coalesce(degrees.degree, 0) as degree,
        coalesce(referral_influence.referrals_made, 0) as referrals_made,
        coalesce(referral_influence.referred_customers_monetary, 0) as referred_customers_monetary,
        positioned.is_converged
    from positioned
    inner join circle_stats
        on {{ same_keys('positioned', 'circle_stats', ['circle_id', 'feature_date_role']) }}
    left join degrees
        on {{ same_customer_and_date('positioned', 'degrees') }}
    left join referral_influence
        on {{ same_customer_and_date('positioned', 'referral_influence') }}
)

select * from final
