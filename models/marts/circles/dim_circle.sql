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
    cast(active_share as double) as active_share,
    n_lapsed_members,
    cast(lapsed_share as double) as lapsed_share,
    cast(median_monetary as decimal(38, 2)) as median_monetary,
    cast(mean_monetary as double) as mean_monetary,
    total_monetary,
    cast(population_median_monetary as decimal(38, 2)) as population_median_monetary,
    dominant_interests,
    main_segment,
    cast(main_segment_share as double) as main_segment_share,
    cast(top_segment_share as double) as top_segment_share,
    cast(at_risk_segment_share as double) as at_risk_segment_share,
    n_new_members,
    cast(new_member_share as double) as new_member_share,
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
