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
{%- set settings = circle_settings() -%}
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

{#- Label propagation runs on integer keys: every linked customer gets a node_id numbered in
    customer_id order (so the smallest node_id of a component is its smallest customer_id), and
    a node_key = role number x 10^12 + node_id, one key per customer and feature date. A pass
    then joins and groups on one integer instead of two text columns. -#}
node_ids as (
    select
        customer_id,
        row_number() over (order by customer_id) as node_id
    from (select distinct customer_id from edges) as linked_customers
),

node_keys as (
    select distinct
        edges.feature_date_role,
        edges.customer_id,
        node_ids.node_id,
        case edges.feature_date_role
            {%- for fd in feature_dates() %}
            when '{{ fd.role }}' then {{ loop.index0 }}
            {%- endfor %}
        end * 1000000000000 + node_ids.node_id as node_key
    from edges
    inner join node_ids
        on edges.customer_id = node_ids.customer_id
),

{#- Neighbour pairs (one per pair whatever the link types) plus a self pair per customer, so one
    pass is a single join of the previous labels with these pairs. -#}
propagation_pairs as (
    select distinct
        from_node.node_key as from_key,
        to_node.node_key as to_key,
        false as is_self
    from edges
    inner join node_keys as from_node
        on edges.customer_id = from_node.customer_id
        and edges.feature_date_role = from_node.feature_date_role
    inner join node_keys as to_node
        on edges.linked_customer_id = to_node.customer_id
        and edges.feature_date_role = to_node.feature_date_role
    union all
    select
        node_key as from_key,
        node_key as to_key,
        true as is_self
    from node_keys
),

labels_0 as (
    select
        node_key,
        node_id as label,
        0 as last_change_iteration
    from node_keys
),
{% for i in range(1, n_iterations + 1) %}
labels_{{ i }} as (
    select
        propagation_pairs.to_key as node_key,
        min(previous.label) as label,
        case
            when min(previous.label) < max(case when propagation_pairs.is_self then previous.label end) then {{ i }}
            else max(case when propagation_pairs.is_self then previous.last_change_iteration end)
        end as last_change_iteration
    from labels_{{ i - 1 }} as previous
    inner join propagation_pairs
        on previous.node_key = propagation_pairs.from_key
    group by propagation_pairs.to_key
),
{% endfor %}

final_labels as (
    select
        node_keys.feature_date_role,
        node_keys.customer_id,
        label_ids.customer_id as label,
        labels_{{ n_iterations }}.last_change_iteration
    from labels_{{ n_iterations }}
    inner join node_keys
        on labels_{{ n_iterations }}.node_key = node_keys.node_key
    inner join node_ids as label_ids
        on labels_{{ n_iterations }}.label = label_ids.node_id
),

labelled_edges as (
    select
        edges.feature_date_role,
        edges.link_type,
        edges.link_weight,
        from_label.label as from_label,
        to_label.label as to_label
    from edges
    inner join final_labels as from_label
        on edges.feature_date_role = from_label.feature_date_role
        and edges.customer_id = from_label.customer_id
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
        on final_labels.feature_date_role = label_convergence.feature_date_role
        and final_labels.label = label_convergence.label
    left join label_kinds
        on final_labels.feature_date_role = label_kinds.feature_date_role
        and final_labels.label = label_kinds.label
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
        on population.customer_id = top_interests.customer_id
        and population.feature_date_role = top_interests.feature_date_role
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
        on population.customer_id = link_members.customer_id
        and population.feature_date_role = link_members.feature_date_role
    left join attribute_keys
        on population.customer_id = attribute_keys.customer_id
        and population.feature_date_role = attribute_keys.feature_date_role
)

select * from final
