{#-
  Scoring a stored logistic-regression model in SQL, in bulk where the data lives. The
  parameters (ml_label_model_parameters) are read when the model compiles and written into
  the query as literals with 17 significant digits, so the probabilities equal
  scikit-learn's predict_proba (tests hold them to 1e-9):
      eta_c = intercept_c + sum_f coefficient_cf * (coalesce(x_f, median_f) - mean_f) / scale_f
      p_c   = exp(eta_c - max eta) / sum_k exp(eta_k - max eta)
-#}
{% macro float_literal(value) -%}
  {%- if value is none -%}cast(null as double){%- else -%}cast({{ '%.17g' | format(value | float) }} as double){%- endif -%}
{%- endmacro %}

{#- Returns {target: {'version': v, 'classes': [(index, label, intercept, [(feature, median, mean, scale, coef)])]}} -#}
{% macro load_label_model_parameters(relation) %}
  {%- if not execute -%}{{ return({}) }}{%- endif -%}
  {%- set rows = run_query("select target, model_version, class_index, class_label, intercept, decision_weight, feature, median, mean, scale, coefficient from " ~ relation ~ " where published_model not in ('gradient_boosting', 'bgnbd_p_no_purchase') order by target, class_index, feature_index") -%}
  {%- set models = {} -%}
  {%- for row in rows -%}
    {%- if row['target'] not in models -%}{%- do models.update({row['target']: {'version': row['model_version'], 'classes': []}}) -%}{%- endif -%}
    {%- set classes = models[row['target']]['classes'] -%}
    {%- if classes | length == 0 or classes[-1]['index'] != row['class_index'] -%}
      {%- do classes.append({'index': row['class_index'], 'label': row['class_label'], 'intercept': row['intercept'], 'decision_weight': row['decision_weight'], 'terms': []}) -%}
    {%- endif -%}
    {%- do classes[-1]['terms'].append(row) -%}
  {%- endfor -%}
  {{ return(models) }}
{% endmacro %}

{% macro linear_score(class_spec) -%}
  {{ float_literal(class_spec['intercept']) }}
  {%- for t in class_spec['terms'] if t['coefficient'] != 0 %}
    + {{ float_literal(t['coefficient']) }} * (coalesce({{ t['feature'] }}, {{ float_literal(t['median']) }}) - {{ float_literal(t['mean']) }}) / {{ float_literal(t['scale']) }}
  {%- endfor -%}
{%- endmacro %}
