{#- One row per circle and feature date: the circle described by numbers (size, activity, spend,
    interests, RFM segment mix, growth) and the tags those numbers earn. Attribute circles are
    described the same way. Windows and thresholds are vars (docs/vars.md):
    - active member: a completed order less than circle_active_days (90) days before the
      feature date (recency_days < 90); lapsed member: recency_days > circle_lapsed_days (180)
      or never purchased; new member: first seen less than circle_growth_days (90) days before.
    - tags, in this order: high_value (median monetary > 0 and >= circle_high_value_multiple (2)
      x the population's median monetary at that date), active (active share >=
      circle_active_share 0.6), growing (new-member share >= circle_growing_share 0.2), dormant
      (lapsed share >= circle_dormant_share 0.6), single (a circle of one). -#}
{%- set settings = settings_of_group('circles') -%}
{%- set string_type = dbt.type_string() -%}

with membership as (
    select * from {{ ref('int_circle_membership') }}
),

population as (
    select customer_id, feature_date_role, tenure_days from {{ ref('int_customer_population') }}
),

interests as (
    select customer_id, feature_date_role, category, share_long from {{ ref('int_customer_interests') }}
),

members as (
    select
        membership.circle_id,
        membership.feature_date_role,
        membership.feature_date,
        membership.circle_kind,
        membership.is_link_circle,
        membership.is_converged,
        membership.customer_id,
        rfm.recency_days,
        coalesce(rfm.monetary, 0) as monetary,
        coalesce(rfm.rfm_segment, 'Never Purchased') as rfm_segment,
        population.tenure_days
    from membership
    left join {{ ref('int_customer_rfm') }} as rfm
        on {{ same_customer_and_date('membership', 'rfm') }}
    left join population
        on {{ same_customer_and_date('membership', 'population') }}
),

population_medians as (
    select
        feature_date_role,
        {{ money_median('monetary') }} as population_median_monetary
    from members
    group by feature_date_role
),

circle_values as (
    select
        circle_id,
        feature_date_role,
        max(feature_date) as feature_date,
        max(circle_kind) as circle_kind,
        max(case when is_link_circle then 1 else 0 end) = 1 as is_link_circle,
        min(case when is_converged then 1 else 0 end) = 1 as is_converged,
        count(*) as circle_size,
        count(case when recency_days < {{ settings['circle_active_days'] }} then 1 end) as n_active_members,
        count(case when recency_days is null or recency_days > {{ settings['circle_lapsed_days'] }} then 1 end) as n_lapsed_members,
        count(case when tenure_days < {{ settings['circle_growth_days'] }} then 1 end) as n_new_members,
        {{ money_median('monetary') }} as median_monetary,
        {{ avg_as_double('monetary') }} as mean_monetary,
        sum(monetary) as total_monetary,
        count(case when rfm_segment in {{ circle_sql_text_list(settings['circle_top_segments']) }} then 1 end) as n_top_segment_members,
        count(case when rfm_segment in {{ circle_sql_text_list(settings['circle_at_risk_segments']) }} then 1 end) as n_at_risk_members
    from members
    group by circle_id, feature_date_role
),

segment_counts as (
    select
        circle_id,
        feature_date_role,
        rfm_segment,
        count(*) as n_members,
        row_number() over (
            partition by circle_id, feature_date_role
            order by count(*) desc, rfm_segment) as segment_rank
    from members
    group by circle_id, feature_date_role, rfm_segment
),

main_segments as (
    select circle_id, feature_date_role, rfm_segment as main_segment, n_members as n_main_segment_members
    from segment_counts
    where segment_rank = 1
),

circle_interest_shares as (
    select
        membership.circle_id,
        membership.feature_date_role,
        interests.category,
        {{ deterministic_sum('interests.share_long') }} as summed_share_long,
        row_number() over (
            partition by membership.circle_id, membership.feature_date_role
            order by {{ deterministic_sum('interests.share_long') }} desc, interests.category) as interest_rank
    from membership
    inner join interests
        on {{ same_customer_and_date('membership', 'interests') }}
    group by membership.circle_id, membership.feature_date_role, interests.category
),

circle_interests as (
    select
        circle_id,
        feature_date_role,
        {{ ordered_string_agg('category', 'interest_rank') }} as dominant_interests
    from circle_interest_shares
    where interest_rank <= {{ settings['circle_top_interests'] }}
    group by circle_id, feature_date_role
),

circle_links as (
    select
        from_member.circle_id,
        edges.feature_date_role,
        edges.link_type,
        count(*) as n_links
    from {{ ref('int_circle_edges') }} as edges
    inner join membership as from_member
        on {{ same_customer_and_date('edges', 'from_member') }}
    inner join membership as to_member
        on edges.linked_customer_id = to_member.customer_id
        and edges.feature_date_role = to_member.feature_date_role
    where edges.is_given_direction
      and from_member.circle_id = to_member.circle_id
    group by from_member.circle_id, edges.feature_date_role, edges.link_type
),

circle_link_summary as (
    select
        circle_id,
        feature_date_role,
        cast(sum(n_links) as {{ dbt.type_bigint() }}) as n_links,
        {{ ordered_string_agg('link_type', 'link_type') }} as link_types
    from circle_links
    group by circle_id, feature_date_role
),

described as (
    select
        circle_values.circle_id,
        circle_values.feature_date_role,
        circle_values.feature_date,
        circle_values.circle_kind,
        circle_values.is_link_circle,
        circle_values.is_converged,
        circle_values.circle_size,
        coalesce(circle_link_summary.n_links, 0) as n_links,
        circle_link_summary.link_types,
        circle_values.n_active_members,
        1.0 * circle_values.n_active_members / circle_values.circle_size as active_share,
        circle_values.n_lapsed_members,
        1.0 * circle_values.n_lapsed_members / circle_values.circle_size as lapsed_share,
        circle_values.median_monetary,
        circle_values.mean_monetary,
        circle_values.total_monetary,
        population_medians.population_median_monetary,
        circle_interests.dominant_interests,
        main_segments.main_segment,
        1.0 * main_segments.n_main_segment_members / circle_values.circle_size as main_segment_share,
        1.0 * circle_values.n_top_segment_members / circle_values.circle_size as top_segment_share,
        1.0 * circle_values.n_at_risk_members / circle_values.circle_size as at_risk_segment_share,
        circle_values.n_new_members,
        1.0 * circle_values.n_new_members / circle_values.circle_size as new_member_share
    from circle_values
    inner join population_medians
        on circle_values.feature_date_role = population_medians.feature_date_role
    left join main_segments
        on {{ same_keys('circle_values', 'main_segments', ['circle_id', 'feature_date_role']) }}
    left join circle_interests
        on {{ same_keys('circle_values', 'circle_interests', ['circle_id', 'feature_date_role']) }}
    left join circle_link_summary
        on {{ same_keys('circle_values', 'circle_link_summary', ['circle_id', 'feature_date_role']) }}
),

flagged as (
    select
        described.*,
        (median_monetary > 0
         and median_monetary >= {{ settings['circle_high_value_multiple'] }} * population_median_monetary) as is_high_value_circle,
        active_share >= {{ settings['circle_active_share'] }} as is_active_circle,
        new_member_share >= {{ settings['circle_growing_share'] }} as is_growing_circle,
        lapsed_share >= {{ settings['circle_dormant_share'] }} as is_dormant_circle,
        circle_size = 1 as is_single_member_circle
    from described
),

tagged as (
    select
        flagged.*,
        {{ dbt.concat([
            "case when is_high_value_circle then ', high_value' else '' end",
            "case when is_active_circle then ', active' else '' end",
            "case when is_growing_circle then ', growing' else '' end",
            "case when is_dormant_circle then ', dormant' else '' end",
            "case when is_single_member_circle then ', single' else '' end",
        ]) }} as tag_text
    from flagged
),

final as (
    select
        circle_id,
        feature_date_role,
        feature_date,
        circle_kind,
        is_link_circle,
        is_converged,
        circle_size,
        n_links,
        link_types,
        n_active_members,
        active_share,
        n_lapsed_members,
        lapsed_share,
        median_monetary,
        mean_monetary,
        total_monetary,
        population_median_monetary,
        dominant_interests,
        main_segment,
        main_segment_share,
        top_segment_share,
        at_risk_segment_share,
        n_new_members,
        new_member_share,
        is_high_value_circle,
        is_active_circle,
        is_growing_circle,
        is_dormant_circle,
        is_single_member_circle,
        case when length(tag_text) > 2 then cast(substr(tag_text, 3) as {{ string_type }}) end as circle_tags
    from tagged
)

select * from final
