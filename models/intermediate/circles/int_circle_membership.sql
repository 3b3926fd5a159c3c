{#- One row per customer and feature date of int_customer_population: the one circle the customer
    belongs to at that date.
    - Link circles: connected components of int_circle_edges, found by min-label propagation.
      Every linked customer starts with its own customer_id as label; each pass sets the label
      to the smallest label among the customer and its neighbours. The passes are a Jinja loop
      of CTEs (var circle_max_iterations, default 20), each reading the previous pass once, so
      the plan grows linearly with the number of passes on every engine. A label group is
      converged when no visible link leaves it (then it is the whole component and its label is
      the component's smallest customer_id); groups still spreading after the last pass are kept
      as they are and flagged is_converged = false. circle_id = 'link:' || label. The kind is the
      link type holding more than half of the circle's link weight, else 'mixed' (rule
      circle_kind_of_link_type). The passes run on integer keys (see node_ids below).
    - Attribute circles: a customer with no visible link falls back to
      'attr:' || region || '|' || age band || '|' || dominant interest ('unknown' for nulls). -#}
{%- set settings = settings_of_group('circles') -%}
{%- set n_iterations = settings['circle_max_iterations'] | int -%}

with population as (
    select * from {{ ref('int_customer_population') }}
),

customers as (
    select customer_id, region from {{ ref('stg_customers') }}
),

top_interests as (
    select customer_id, feature_date_role, dominant_interest from {{ ref('int_customer_top_interests') }}
),

edges as (
    select * from {{ ref('int_circle_edges') }}
),

{#- node_ids, node_keys, propagation_pairs, labels_0 .. labels_<n>, final_labels: macros/circles/circle_label_propagation.sql -#}
{{ circle_label_propagation(n_iterations) }}

labelled_edges as (
    select
        edges.feature_date_role,
        edges.link_type,
        edges.link_weight,
        from_label.label as from_label,
        to_label.label as to_label
    from edges
    inner join final_labels as from_label
        on {{ same_customer_and_date('edges', 'from_label') }}
    inner join final_labels as to_label
        on edges.feature_date_role = to_label.feature_date_role
        and edges.linked_customer_id = to_label.customer_id
),

label_convergence as (
    select
        feature_date_role,
        from_label as label,
        max(case when from_label <> to_label then 1 else 0 end) = 0 as is_converged
    from labelled_edges
    group by feature_date_role, from_label
),

label_link_types as (
    select
        feature_date_role,
        from_label as label,
        link_type,
        sum(link_weight) as type_weight
    from labelled_edges
    group by feature_date_role, from_label, link_type
),

label_link_type_weights as (
    select
        label_link_types.*,
        sum(type_weight) over (partition by feature_date_role, label) as total_weight
    from label_link_types
),

label_kinds as (
    select
        feature_date_role,
        label,
        max(case when type_weight > 0.5 * total_weight then link_type end) as majority_link_type
    from label_link_type_weights
    group by feature_date_role, label
),

link_members as (
    select
        final_labels.feature_date_role,
        final_labels.customer_id,
        {{ dbt.concat(["'link:'", "final_labels.label"]) }} as circle_id,
        {{ circle_kind_of_link_type('label_kinds.majority_link_type') }} as circle_kind,
        final_labels.last_change_iteration,
        coalesce(label_convergence.is_converged, false) as is_converged
    from final_labels
    left join label_convergence
        on {{ same_keys('final_labels', 'label_convergence', ['feature_date_role', 'label']) }}
    left join label_kinds
        on {{ same_keys('final_labels', 'label_kinds', ['feature_date_role', 'label']) }}
),

attribute_keys as (
    select
        population.customer_id,
        population.feature_date_role,
        coalesce(customers.region, 'unknown') as region_key,
        coalesce({{ age_band('population.age_years') }}, 'unknown') as age_band_key,
        coalesce(top_interests.dominant_interest, 'unknown') as interest_key
    from population
    left join customers
        on population.customer_id = customers.customer_id
    left join top_interests
        on {{ same_customer_and_date('population', 'top_interests') }}
),

final as (
    select
        population.customer_id,
        population.feature_date_role,
        population.feature_date,
        coalesce(
            link_members.circle_id,
            {{ dbt.concat(["'attr:'", "attribute_keys.region_key", "'|'", "attribute_keys.age_band_key", "'|'", "attribute_keys.interest_key"]) }}
        ) as circle_id,
        coalesce(link_members.circle_kind, 'attribute') as circle_kind,
        link_members.customer_id is not null as is_link_circle,
        coalesce(link_members.is_converged, true) as is_converged,
        link_members.last_change_iteration
    from population
    left join link_members
        on {{ same_customer_and_date('population', 'link_members') }}
    left join attribute_keys
        on {{ same_customer_and_date('population', 'attribute_keys') }}
)

select * from final
