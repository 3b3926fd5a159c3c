{#- One row per feature date, customer, linked customer and link type: the links visible at that
    date (linked_at unknown or before the end of the date) of the types in var circle_link_types,
    written in both directions, between two customers of the population at that date.
    is_given_direction tells which direction the link was given in; link_weight comes from var
    circle_link_weights (1 by default) and only describes circles (membership ignores it). -#}
{%- set settings = settings_of_group('circles') -%}

with links as (
    select * from {{ ref('stg_customer_links') }}
    where link_type in {{ circle_sql_text_list(settings['circle_link_types']) }}
),

feature_dates as (
    select feature_date_role, feature_end_ts from {{ ref('int_feature_dates') }}
),

population as (
    select customer_id, feature_date_role from {{ ref('int_customer_population') }}
),

visible_links as (
    select
        feature_dates.feature_date_role,
        links.customer_id,
        links.linked_customer_id,
        links.link_type,
        links.linked_at
    from links
    cross join feature_dates
    where links.linked_at is null
       or links.linked_at < feature_dates.feature_end_ts
),

links_in_population as (
    select visible_links.*
    from visible_links
    inner join population as from_customer
        on {{ same_customer_and_date('visible_links', 'from_customer') }}
    inner join population as to_customer
        on visible_links.linked_customer_id = to_customer.customer_id
        and visible_links.feature_date_role = to_customer.feature_date_role
),

both_directions as (
    select
        feature_date_role,
        customer_id,
        linked_customer_id,
        link_type,
        linked_at,
        true as is_given_direction
    from links_in_population
    union all
    select
        feature_date_role,
        linked_customer_id as customer_id,
        customer_id as linked_customer_id,
        link_type,
        linked_at,
        false as is_given_direction
    from links_in_population
),

final as (
    select
        feature_date_role,
        customer_id,
        linked_customer_id,
        link_type,
        {{ circle_link_weight('link_type') }} as link_weight,
        linked_at,
        is_given_direction
    from both_directions
)

select * from final
