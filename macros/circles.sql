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

{#- Min-label propagation over the circle edges (int_circle_membership): CTEs up to
    final_labels (feature_date_role, customer_id, label, last_change_iteration), each followed
    by a comma. The default writes the passes as a chain of CTEs in the model's query; Spark
    materialises them pass by pass (spark__circle_label_propagation). The SQL of the pieces is
    shared by both. -#}
{% macro circle_label_propagation(n_iterations) -%}
  {{ return(adapter.dispatch('circle_label_propagation', 'customer_activation')(n_iterations)) }}
{%- endmacro %}

{% macro default__circle_label_propagation(n_iterations) -%}
{#- Neighbour pairs (one per pair whatever the link types) plus a self pair per customer, so one
    pass is a single join of the previous labels with these pairs. -#}
propagation_pairs as (
{{ circle_propagation_pairs_sql('edges') }}
),

labels_0 as (
{{ circle_labels_start_sql('propagation_pairs') }}
),
{% for i in range(1, n_iterations + 1) %}
labels_{{ i }} as (
{{ circle_label_pass_sql(i, 'labels_' ~ (i - 1), 'propagation_pairs') }}
),
{% endfor %}

final_labels as (
    select * from labels_{{ n_iterations }}
),
{%- endmacro %}

{% macro circle_propagation_pairs_sql(edges) -%}
    select distinct
        feature_date_role,
        customer_id as from_customer_id,
        linked_customer_id as to_customer_id,
        false as is_self
    from {{ edges }}
    union all
    select distinct
        feature_date_role,
        customer_id as from_customer_id,
        customer_id as to_customer_id,
        true as is_self
    from {{ edges }}
{%- endmacro %}

{% macro circle_labels_start_sql(pairs) -%}
    select
        feature_date_role,
        to_customer_id as customer_id,
        to_customer_id as label,
        0 as last_change_iteration
    from {{ pairs }}
    where is_self
{%- endmacro %}

{% macro circle_label_pass_sql(i, previous, pairs) -%}
    select
        propagation_pairs.feature_date_role,
        propagation_pairs.to_customer_id as customer_id,
        min(previous.label) as label,
        case
            when min(previous.label) < max(case when propagation_pairs.is_self then previous.label end) then {{ i }}
            else max(case when propagation_pairs.is_self then previous.last_change_iteration end)
        end as last_change_iteration
    from {{ previous }} as previous
    inner join {{ pairs }} as propagation_pairs
        on previous.feature_date_role = propagation_pairs.feature_date_role
        and previous.customer_id = propagation_pairs.from_customer_id
    group by propagation_pairs.feature_date_role, propagation_pairs.to_customer_id
{%- endmacro %}
