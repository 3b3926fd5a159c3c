{#- Manual label values that translate into a training label, per target. Manual churn_risk
    labels are risk judgements: high -> churned, low -> retained; medium carries no label. -#}
{% macro manual_label_map() %}
  {{ return({
    'churn_risk': {'high': 'churned', 'low': 'retained'},
    'lifecycle_stage': {'new': 'new', 'active': 'active', 'declining': 'declining', 'dormant': 'dormant', 'lost': 'lost'},
    'value_tier': {'low': 'low', 'medium': 'medium', 'high': 'high'},
  }) }}
{% endmacro %}
