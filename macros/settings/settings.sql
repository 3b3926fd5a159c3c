{#- The campaign settings: var name -> (default, minimum, maximum) for numbers. Every var is
    read with its default here, so dbt_project.yml needs none of them; a value of the wrong
    type or out of range stops the build with a message naming the var. -#}
{% macro campaign_number_vars() %}
  {{ return({
    'campaign_pilot_share': (0.1, 0, 1),
    'campaign_control_share': (0.2, 0, 1),
    'campaign_srm_alpha': (0.001, 0.0000001, 0.5),
    'campaign_pre_window_days': (0, 0, 3650),
    'campaign_post_window_days': (0, 0, 3650),
    'campaign_confidence': (0.95, 0.5, 0.9999),
    'campaign_gate_min_n': (10, 1, 1000000000),
    'campaign_gate_tolerance': (0.0, 0, 1),
    'campaign_mde': (0.05, 0.0001, 0.9),
    'campaign_power': (0.8, 0.5, 0.9999),
    'campaign_n_boot': (2000, 100, 100000),
    'campaign_bootstrap_max_n': (20000, 10, 1000000000),
    'campaign_response_model_c': (1.0, 0.000001, 1000000),
    'campaign_response_model_min_rows': (50, 2, 1000000000),
    'campaign_segment_min_n': (5, 1, 1000000),
  }) }}
{% endmacro %}

{% macro campaign_var(name) %}
  {%- set specs = campaign_number_vars() -%}
  {%- if name in specs -%}
    {%- set spec = specs[name] -%}
    {%- set value = var(name, spec[0]) -%}
    {%- if value is string or value is not number or value is sameas true or value is sameas false -%}
      {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a number between " ~ spec[1] ~ " and " ~ spec[2] ~ "; got '" ~ (value | string) ~ "'") }}
    {%- endif -%}
    {%- if value < spec[1] or value > spec[2] -%}
      {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be between " ~ spec[1] ~ " and " ~ spec[2] ~ "; got " ~ value) }}
    {%- endif -%}
    {{ return(value) }}
  {%- elif name == 'campaign_gate_severity' -%}
    {%- set value = var(name, 'error') | string | lower -%}
    {%- if value not in ['error', 'warn'] -%}
      {{ exceptions.raise_compiler_error("var 'campaign_gate_severity' must be error or warn; got " ~ value) }}
    {%- endif -%}
    {{ return(value) }}
  {%- elif name in ['campaign_gate_require_pilot', 'campaign_gate_use_overrides'] -%}
    {%- set value = var(name, name == 'campaign_gate_use_overrides') -%}
    {%- if value is not sameas true and value is not sameas false -%}
      {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be true or false; got " ~ (value | string)) }}
    {%- endif -%}
    {{ return(value) }}
  {%- else -%}
    {{ exceptions.raise_compiler_error("unknown campaign var '" ~ name ~ "'") }}
  {%- endif -%}
{% endmacro %}

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

{#- Validation of vars, run at the start of every dbt invocation (on-run-start), so a wrong
    var stops the build with a message naming it instead of failing somewhere deep. -#}
{% macro validate_vars() %}
  {%- set re = modules.re -%}
  {%- set date_vars = ['as_of_date', 'min_valid_date'] -%}
  {%- for name in date_vars -%}
    {%- set value = var(name, '') -%}
    {%- if value is not none and (value | string | trim) != '' -%}
      {%- if not re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value | string | trim) -%}
        {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a date written YYYY-MM-DD (e.g. \"2011-12-09\"); got " ~ (value | string)) }}
      {%- endif -%}
    {%- endif -%}
  {%- endfor -%}
  {%- for name in ['raw_data_path', 'raw_schema', 'raw_database', 'demo_data_path', 'default_order_status'] -%}
    {%- if var(name, '') is not string -%}
      {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be text; got " ~ (var(name) | string)) }}
    {%- endif -%}
  {%- endfor -%}
  {%- for name in ['timestamp_formats', 'order_statuses'] -%}
    {%- if var(name) is string or var(name) is not iterable or var(name) is mapping -%}
      {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a list, e.g. [\"a\", \"b\"]; got " ~ (var(name) | string)) }}
    {%- endif -%}
  {%- endfor -%}
  {%- for name, spec in var_number_specs().items() -%}
    {{ validate_number_var(name, spec[0], spec[1], spec[2], spec[3]) }}
  {%- endfor -%}
  {%- for name, default in var_boolean_specs().items() -%}
    {%- if var(name, default) is not sameas true and var(name, default) is not sameas false -%}
      {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be true or false; got '" ~ (var(name) | string) ~ "' (" ~ var_kind(var(name)) ~ ")") }}
    {%- endif -%}
  {%- endfor -%}
  {%- for name in ['label_classes', 'interest_event_weights', 'imputation_exclude_features', 'lookalike_audiences'] -%}
    {%- if var(name, {}) is not mapping -%}
      {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a mapping, e.g. {a: ..., b: ...}; got " ~ (var(name) | string)) }}
    {%- endif -%}
  {%- endfor -%}
  {%- for name in ['imputation_attributes', 'feature_event_types', 'feature_onehot_attributes', 'lookalike_feature_groups', 'churn_risk_thresholds'] -%}
    {%- set value = var(name, []) -%}
    {%- if value is string or value is not iterable or value is mapping -%}
      {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a list, e.g. [\"a\", \"b\"]; got " ~ (value | string)) }}
    {%- endif -%}
  {%- endfor -%}
  {{ return('') }}
{% endmacro %}

{#- Numeric vars: name -> (default, minimum, maximum, whole number?). The defaults are the
    ones the models use when the var is not set. Later layers add theirs here. -#}
{% macro var_number_specs() %}
  {{ return({
    'label_horizon_days': (90, 1, 3650, true),
    'incremental_lookback_days': (7, 0, 36500, true),
    'rfm_window_days': (0, 0, 36500, true),
    'rfm_score_bins': (5, 2, 100, true),
    'trend_window_days': (90, 1, 3650, true),
    'feature_recent_days': (90, 1, 3650, true),
    'feature_min_training_rows': (30, 1, 1000000000, true),
    'feature_max_onehot_values': (10, 1, 1000, true),
    'feature_max_categories': (20, 1, 1000, true),
    'interest_long_half_life_days': (180, 1, 36500, false),
    'interest_short_half_life_days': (30, 1, 36500, false),
    'interest_recent_days': (90, 1, 36500, true),
    'interest_top_k': (3, 1, 1000, true),
    'interest_stable_min_share': (0.15, 0, 1, false),
    'interest_weight_spend': (2.0, 0, 1000000, false),
    'interest_weight_quantity': (1.0, 0, 1000000, false),
    'lifecycle_new_days': (60, 1, 36500, true),
    'lifecycle_dormant_days': (90, 1, 36500, true),
    'lifecycle_lost_days': (180, 1, 36500, true),
    'lifecycle_decline_ratio': (0.5, 0, 1, false),
    'default_response_window_days': (30, 1, 3650, true),
    'label_model_regularisation_c': (1.0, 0.000001, 1000000, false),
    'label_model_manual_weight': (3.0, 0, 1000000, false),
    'label_model_max_training_rows': (100000, 1, 1000000000, true),
    'label_model_min_training_rows': (50, 1, 1000000000, true),
    'label_model_min_class_rows': (10, 1, 1000000000, true),
    'label_model_comparison_max_rows': (50000, 1, 1000000000, true),
    'label_model_max_evaluation_rows': (200000, 1, 1000000000, true),
    'random_seed': (42, 0, 4294967295, true),
    'imputation_k': (30, 1, 100000, true),
    'imputation_max_donors': (10000, 1, 1000000000, true),
    'imputation_circle_weight': (0.5, 0, 1, false),
    'imputation_mask_share': (0.2, 0.001, 0.999, false),
    'imputation_max_masked': (20000, 1, 1000000000, true),
    'lookalike_top_n': (1000, 1, 1000000000, true),
    'lookalike_tag_top_n': (200, 0, 1000000000, true),
    'lookalike_k': (10, 1, 100000, true),
    'lookalike_max_seeds': (50000, 1, 1000000000, true),
    'lookalike_shortlist_seeds': (2000, 0, 1000000000, true),
    'lookalike_shortlist_factor': (20, 1, 100000, true),
  }) }}
{% endmacro %}

{#- true/false vars: name -> default. -#}
{% macro var_boolean_specs() %}
  {{ return({'reject_zero_price': true, 'label_model_compare_gradient_boosting': true, 'refit_models': true}) }}
{% endmacro %}

{#- What kind of value a var holds, in words, for error messages. -#}
{% macro var_kind(value) -%}
  {%- if value is string -%}text{%- elif value is sameas true or value is sameas false -%}true/false
  {%- elif value is number -%}a number{%- elif value is mapping -%}a mapping
  {%- elif value is iterable -%}a list{%- elif value is none -%}nothing{%- else -%}{{ value | string }}{%- endif -%}
{%- endmacro %}

{#- A numeric var, checked against var_number_specs wherever it is read: for vars that Jinja
    computes with while dbt parses the project, before on-run-start validates anything, so
    a wrong value still stops the build with a message naming the var. -#}
{% macro number_var(name) -%}
  {%- set spec = var_number_specs()[name] -%}
  {{- validate_number_var(name, spec[0], spec[1], spec[2], spec[3]) -}}
  {{ return(var(name, spec[0])) }}
{%- endmacro %}

{% macro validate_number_var(name, default, minimum, maximum, whole=false) %}
  {%- set value = var(name, default) -%}
  {%- if value is string or value is not number or value is sameas true or value is sameas false -%}
    {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a number between " ~ minimum ~ " and " ~ maximum ~ "; got '" ~ (value | string) ~ "' (" ~ var_kind(value) ~ ")") }}
  {%- endif -%}
  {%- if value < minimum or value > maximum -%}
    {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be between " ~ minimum ~ " and " ~ maximum ~ "; got " ~ value) }}
  {%- endif -%}
  {%- if whole and value != (value | int) -%}
    {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a whole number; got " ~ value) }}
  {%- endif -%}
{% endmacro %}

{#- The as_of_date var as a SQL date literal, or null when not set. -#}
{% macro as_of_date_var_sql() -%}
  {%- set value = var('as_of_date', '') -%}
  {%- if value is none or (value | string | trim) == '' -%}cast(null as date)
  {%- else -%}cast('{{ value | string | trim }}' as date){%- endif -%}
{%- endmacro %}
