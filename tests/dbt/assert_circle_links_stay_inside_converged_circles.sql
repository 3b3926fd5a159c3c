{#- Both ends of every link visible at a feature date (int_circle_edges: a type in
    circle_link_types, linked_at unknown or before the end of the date, both ends in the
    population) are in the same link circle whenever either end's circle converged.
    Returns the offending links. -#}
with visible_links as (
    select feature_date_role, customer_id, linked_customer_id, link_type
    from {{ ref('int_circle_edges') }}
    where is_given_direction
),

final as (
    select
        visible_links.*,
        from_member.circle_id as from_circle_id,
        to_member.circle_id as to_circle_id,
        from_member.is_converged as from_is_converged,
        to_member.is_converged as to_is_converged
    from visible_links
    left join {{ ref('int_circle_membership') }} as from_member
        on {{ same_customer_and_date('visible_links', 'from_member') }}
    left join {{ ref('int_circle_membership') }} as to_member
        on visible_links.linked_customer_id = to_member.customer_id
        and visible_links.feature_date_role = to_member.feature_date_role
    where from_member.customer_id is null
       or to_member.customer_id is null
       or not from_member.is_link_circle
       or not to_member.is_link_circle
       or ((from_member.is_converged or to_member.is_converged)
           and from_member.circle_id <> to_member.circle_id)
)

select * from final
