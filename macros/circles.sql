{#-
  Circles (the community a customer belongs to now): settings and small rules shared by the
  int_circle_* models. Every knob is a var with the default below; a wrong value stops the
  compile with a message naming the var.

    circle_link_types          link types that make a circle (default: all contract types and
                               'unspecified'); links of other types are ignored by circles
    circle_link_weights        {link_type: weight}; default 1 for every type. Weights decide
                               the circle kind (majority of the summed weight), not membership
    circle_max_iterations      label-propagation passes (default 20); components wider than
                               this are flagged is_converged = false
    circle_referrer_column     which end of a referral link is the referrer: 'linked_customer_id'
                               (the data contract: customer_id was referred by linked_customer_id) or 'customer_id'
    circle_active_days         a member is active with a completed order in the last N days (90)
    circle_lapsed_days         a member is lapsed with no completed order for more than N days,
                               or never (180)
    circle_growth_days         a member is new when first seen in the last N days (90)
    circle_high_value_multiple high value: circle median monetary >= this x population median (2)
    circle_dormant_share       dormant: lapsed share >= this (0.6)
    circle_growing_share       growing: new-member share >= this (0.2)
    circle_active_share        active: active share >= this (0.6)
    circle_top_interests       how many dominant interests a circle lists (3)
    circle_top_segments        RFM segments counted as top customers (Champions, Loyal)
    circle_at_risk_segments    RFM segments counted as at risk / lost (At Risk, Cannot Lose Them, Lost)
-#}

{% macro circle_settings() %}
  {%- set defaults = {
      'circle_link_types': ['referral', 'household', 'group', 'social', 'unspecified'],
      'circle_link_weights': {},
      'circle_max_iterations': 20,
      'circle_referrer_column': 'linked_customer_id',
      'circle_active_days': 90,
      'circle_lapsed_days': 180,
      'circle_growth_days': 90,
      'circle_high_value_multiple': 2,
      'circle_dormant_share': 0.6,
      'circle_growing_share': 0.2,
      'circle_active_share': 0.6,
      'circle_top_interests': 3,
      'circle_top_segments': ['Champions', 'Loyal'],
      'circle_at_risk_segments': ['At Risk', 'Cannot Lose Them', 'Lost'],
  } -%}
  {%- set settings = {} -%}
  {%- for name, default in defaults.items() -%}
    {%- do settings.update({name: var(name, default)}) -%}
  {%- endfor -%}

  {#- validation -#}
  {%- for name in ['circle_link_types', 'circle_top_segments', 'circle_at_risk_segments'] -%}
    {%- set value = settings[name] -%}
    {%- if value is string or value is mapping or value is not iterable or value | length == 0 -%}
      {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a non-empty list, e.g. [\"household\", \"referral\"]; got " ~ (value | string)) }}
    {%- endif -%}
  {%- endfor -%}
  {%- if settings['circle_link_weights'] is not mapping -%}
    {{ exceptions.raise_compiler_error("var 'circle_link_weights' must be a mapping of link type to weight, e.g. {household: 2, social: 0.5}; got " ~ (settings['circle_link_weights'] | string)) }}
  {%- endif -%}
  {%- for link_type, weight in settings['circle_link_weights'].items() -%}
    {%- if weight is string or weight is not number or weight <= 0 -%}
      {{ exceptions.raise_compiler_error("var 'circle_link_weights': the weight of '" ~ link_type ~ "' must be a number > 0; got " ~ (weight | string)) }}
    {%- endif -%}
  {%- endfor -%}
  {%- if settings['circle_referrer_column'] not in ['customer_id', 'linked_customer_id'] -%}
    {{ exceptions.raise_compiler_error("var 'circle_referrer_column' must be 'customer_id' or 'linked_customer_id' (the end of a referral link that made the referral); got " ~ (settings['circle_referrer_column'] | string)) }}
  {%- endif -%}
  {%- set number_specs = {
      'circle_max_iterations': (1, 200),
      'circle_active_days': (1, 36500),
      'circle_lapsed_days': (1, 36500),
      'circle_growth_days': (1, 36500),
      'circle_high_value_multiple': (0, 1000),
      'circle_dormant_share': (0, 1),
      'circle_growing_share': (0, 1),
      'circle_active_share': (0, 1),
      'circle_top_interests': (1, 100),
  } -%}
  {%- for name, bounds in number_specs.items() -%}
    {%- set value = settings[name] -%}
    {%- if value is string or value is not number or value < bounds[0] or value > bounds[1] -%}
      {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a number between " ~ bounds[0] ~ " and " ~ bounds[1] ~ "; got " ~ (value | string)) }}
    {%- endif -%}
  {%- endfor -%}
  {%- for name in ['circle_max_iterations', 'circle_active_days', 'circle_lapsed_days', 'circle_growth_days', 'circle_top_interests'] -%}
    {%- if settings[name] != (settings[name] | int) -%}
      {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a whole number; got " ~ settings[name]) }}
    {%- endif -%}
  {%- endfor -%}
  {{ return(settings) }}
{% endmacro %}

{#- A SQL list literal of text values: ('a', 'b'). -#}
{% macro circle_sql_text_list(values) -%}
  ({%- for value in values -%}'{{ value | replace("'", "''") }}'{{ ", " if not loop.last }}{%- endfor -%})
{%- endmacro %}

{#- Weight of a link, from var circle_link_weights (1 for a type not listed). -#}
{% macro circle_link_weight(link_type_expr) -%}
  {%- set weights = circle_settings()['circle_link_weights'] -%}
  {%- if weights | length == 0 -%}
    cast(1 as {{ dbt.type_float() }})
  {%- else -%}
    case {{ link_type_expr }}
      {%- for link_type, weight in weights.items() %}
      when '{{ link_type | replace("'", "''") }}' then cast({{ weight }} as {{ dbt.type_float() }})
      {%- endfor %}
      else cast(1 as {{ dbt.type_float() }})
    end
  {%- endif -%}
{%- endmacro %}

{#- Circle kind of a link circle from its majority link type (null = no type holds more than
    half of the circle's link weight). A business rule: dispatched so a project can override it. -#}
{% macro circle_kind_of_link_type(majority_link_type_expr) -%}
  {{ return(adapter.dispatch('circle_kind_of_link_type', 'customer_activation')(majority_link_type_expr)) }}
{%- endmacro %}
{% macro default__circle_kind_of_link_type(majority_link_type_expr) -%}
  case
    when {{ majority_link_type_expr }} is null then 'mixed'
    when {{ majority_link_type_expr }} in ('household', 'referral', 'group', 'social') then {{ majority_link_type_expr }}
    else 'other'
  end
{%- endmacro %}

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
