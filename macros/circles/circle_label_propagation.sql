{#- Min-label propagation over the circle edges for int_circle_membership: its CTEs from
    node_ids to final_labels (feature_date_role, customer_id, label, last_change_iteration),
    each followed by a comma; `edges` is the model's CTE of int_circle_edges. The default
    writes the passes as a chain of CTEs; Spark writes each pass as a work table
    (spark__circle_label_propagation). Both use the SQL of the pieces below.
    Label propagation runs on integer keys: every linked customer gets a node_id numbered in
    customer_id order (so the smallest node_id of a component is its smallest customer_id), and
    a node_key = role number x 10^12 + node_id, one key per customer and feature date. A pass
    then joins and groups on one integer instead of two text columns. -#}
{% macro circle_label_propagation(n_iterations) -%}
  {{ return(adapter.dispatch('circle_label_propagation', 'customer_activation')(n_iterations)) }}
{%- endmacro %}

{% macro default__circle_label_propagation(n_iterations) -%}
node_ids as (
{{ circle_node_ids_sql('edges') }}
),

node_keys as (
{{ circle_node_keys_sql('edges', 'node_ids') }}
),

{#- Neighbour pairs (one per pair whatever the link types) plus a self pair per customer, so one
    pass is a single join of the previous labels with these pairs. -#}
propagation_pairs as (
{{ circle_propagation_pairs_sql('edges', 'node_keys') }}
),

labels_0 as (
{{ circle_labels_start_sql('node_keys') }}
),
{% for i in range(1, n_iterations + 1) %}
labels_{{ i }} as (
{{ circle_label_pass_sql(i, 'labels_' ~ (i - 1), 'propagation_pairs') }}
),
{% endfor %}

final_labels as (
{{ circle_final_labels_sql('labels_' ~ n_iterations, 'node_keys', 'node_ids') }}
),
{%- endmacro %}

{% macro circle_node_ids_sql(edges) -%}
    select
        customer_id,
        row_number() over (order by customer_id) as node_id
    from (select distinct customer_id from {{ edges }}) as linked_customers
{%- endmacro %}

{% macro circle_node_keys_sql(edges, node_ids) -%}
    select distinct
        edges.feature_date_role,
        edges.customer_id,
        node_ids.node_id,
        case edges.feature_date_role
            {%- for fd in feature_dates() %}
            when '{{ fd.role }}' then {{ loop.index0 }}
            {%- endfor %}
        end * 1000000000000 + node_ids.node_id as node_key
    from {{ edges }} as edges
    inner join {{ node_ids }} as node_ids
        on edges.customer_id = node_ids.customer_id
{%- endmacro %}

{% macro circle_propagation_pairs_sql(edges, node_keys) -%}
    select distinct
        from_node.node_key as from_key,
        to_node.node_key as to_key,
        false as is_self
    from {{ edges }} as edges
    inner join {{ node_keys }} as from_node
        on edges.customer_id = from_node.customer_id
        and edges.feature_date_role = from_node.feature_date_role
    inner join {{ node_keys }} as to_node
        on edges.linked_customer_id = to_node.customer_id
        and edges.feature_date_role = to_node.feature_date_role
    union all
    select
        node_key as from_key,
        node_key as to_key,
        true as is_self
    from {{ node_keys }}
{%- endmacro %}

{% macro circle_labels_start_sql(node_keys) -%}
    select
        node_key,
        node_id as label,
        0 as last_change_iteration
    from {{ node_keys }}
{%- endmacro %}

{% macro circle_label_pass_sql(i, previous, pairs) -%}
    select
        propagation_pairs.to_key as node_key,
        min(previous.label) as label,
        case
            when min(previous.label) < max(case when propagation_pairs.is_self then previous.label end) then {{ i }}
            else max(case when propagation_pairs.is_self then previous.last_change_iteration end)
        end as last_change_iteration
    from {{ previous }} as previous
    inner join {{ pairs }} as propagation_pairs
        on previous.node_key = propagation_pairs.from_key
    group by propagation_pairs.to_key
{%- endmacro %}

{% macro circle_final_labels_sql(last_labels, node_keys, node_ids) -%}
    select
        node_keys.feature_date_role,
        node_keys.customer_id,
        label_ids.customer_id as label,
        last_labels.last_change_iteration
    from {{ last_labels }} as last_labels
    inner join {{ node_keys }} as node_keys
        on last_labels.node_key = node_keys.node_key
    inner join {{ node_ids }} as label_ids
        on last_labels.label = label_ids.node_id
{%- endmacro %}

{#- ---- circles: label propagation pass by pass ------------------------------------------

  As a chain of CTEs, Spark inlines every pass into one plan and copies the chain into each
  place final_labels is read: 20 passes take minutes to plan and run. Cached temporary views
  do not help (each cached plan keeps the whole lineage; planning time doubles with every
  pass). Here the node keys, the pairs and each pass are written as work tables in the
  model's schema (<model>__node_ids, __node_keys, __pairs, __labels_<i>), so every plan is one
  join and one aggregate over a file scan; a pass's table is dropped once the next one is
  written. They are written while the model compiles, in dbt's session, right before its
  query runs; the last ones stay beside the model until the next build. A unit test (whose
  inputs are fixture CTEs of its own query) gets the default CTE chain. -#}
{% macro spark__circle_label_propagation(n_iterations) -%}
  {%- if model.resource_type != 'model' -%}
    {{ return(default__circle_label_propagation(n_iterations)) }}
  {%- endif -%}
  {%- set prefix = this.schema ~ '.' ~ this.identifier ~ '__' -%}
  {%- set edges = ref('int_circle_edges') -%}
  {%- if execute -%}
    {%- set steps = [
        ('node_ids', circle_node_ids_sql(edges)),
        ('node_keys', circle_node_keys_sql(edges, prefix ~ 'node_ids')),
        ('pairs', circle_propagation_pairs_sql(edges, prefix ~ 'node_keys')),
        ('labels_0', circle_labels_start_sql(prefix ~ 'node_keys')),
    ] -%}
    {%- for i in range(1, n_iterations + 1) -%}
      {%- do steps.append(('labels_' ~ i, circle_label_pass_sql(i, prefix ~ 'labels_' ~ (i - 1), prefix ~ 'pairs'))) -%}
    {%- endfor -%}
    {%- for name, sql in steps -%}
      {%- do run_query("drop table if exists " ~ prefix ~ name) -%}
      {%- do run_query("create table " ~ prefix ~ name ~ " as " ~ sql) -%}
      {%- if name.startswith('labels_') and name != 'labels_0' -%}
        {%- do run_query("drop table if exists " ~ prefix ~ 'labels_' ~ (name[7:] | int - 1)) -%}
      {%- endif -%}
    {%- endfor -%}
  {%- endif %}
final_labels as (
{{ circle_final_labels_sql(prefix ~ 'labels_' ~ n_iterations, prefix ~ 'node_keys', prefix ~ 'node_ids') }}
),
{%- endmacro %}
