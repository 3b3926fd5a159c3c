{#- One row per circle (community) at as_of_date: its kind, size, numbers and tags, for
    dashboards. From int_circle_stats at the scoring date. -#}
select
    circle_id,
    circle_kind,
    is_link_circle,
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
    circle_tags,
    is_converged,
    feature_date as as_of_date
from {{ ref('int_circle_stats') }}
where feature_date_role = 'scoring'
