{#- The customer attributes shown in the profile, in its column order, each with
    <attribute>_is_imputed, _confidence and _imputation_method: their value comes from the
    imputation model for the attributes of var imputation_attributes, else stg_customers. -#}
{% macro profile_attributes() %}
  {{ return(['acquisition_channel', 'gender', 'birth_year', 'city', 'region', 'member_tier']) }}
{% endmacro %}

{#- Churn risk class of a churn probability: low / medium / high at var churn_risk_thresholds
    ([0.3, 0.6]: low below 0.3, high from 0.6). -#}
{% macro churn_risk_class(probability) -%}
  {%- set thresholds = setting('churn_risk_thresholds') -%}
  {%- if thresholds | length != 2 or thresholds[0] > thresholds[1] -%}
    {{ exceptions.raise_compiler_error("var churn_risk_thresholds must be two increasing probabilities [medium_from, high_from], got " ~ thresholds) }}
  {%- endif -%}
  case
    when {{ probability }} is null then null
    when {{ probability }} >= {{ thresholds[1] }} then 'high'
    when {{ probability }} >= {{ thresholds[0] }} then 'medium'
    else 'low'
  end
{%- endmacro %}

{#- The churn class of the churn_risk model: the last class of var label_classes.churn_risk. -#}
{% macro churn_class() -%}
  {{ return(label_classes()['churn_risk'][-1]) }}
{%- endmacro %}
