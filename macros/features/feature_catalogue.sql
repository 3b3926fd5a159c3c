{#-
  The feature catalogue: every feature of int_customer_features that goes into the scaled
  vector, its group and its transform. One list, read by int_feature_scaling (which fits the
  parameters) and int_customer_feature_vectors (which applies them).

  transforms:
    log_z   ln(1 + max(x, 0)), then z-score     money and counts: heavy right skew
    z       z-score                               roughly symmetric (age, shares, trends)
    robust  (x - median) / IQR                    long-tailed durations where outliers dominate
    flag    0/1 as is                             indicators
    onehot  1 when the attribute has the value    categorical attributes (top values only)
  The purchase group (bgnbd_*, clv) is the purchase model at the same date; null without a
  completed order, so the centre. A value missing after the transform becomes the centre (0 in the vector); missingness that
  carries meaning has its own flag (age_missing, has_completed_order, has_events).
  Parameters are fitted on the training population (feature_date_role = 'training') and
  applied unchanged at every feature date.
-#}
{% macro feature_catalogue() %}
  {%- set features = [
      {'name': 'age_years', 'group': 'explicit', 'transform': 'z'},
      {'name': 'age_missing', 'group': 'explicit', 'transform': 'flag', 'expr': 'case when age_years is null then 1 else 0 end'},
      {'name': 'tenure_days', 'group': 'explicit', 'transform': 'robust'},
      {'name': 'recency_days', 'group': 'behaviour', 'transform': 'robust', 'expr': 'coalesce(recency_days, tenure_days)'},
      {'name': 'has_completed_order', 'group': 'behaviour', 'transform': 'flag', 'expr': 'case when has_completed_order then 1 else 0 end'},
      {'name': 'frequency', 'group': 'behaviour', 'transform': 'log_z'},
      {'name': 'monetary', 'group': 'behaviour', 'transform': 'log_z'},
      {'name': 'n_orders', 'group': 'behaviour', 'transform': 'log_z'},
      {'name': 'avg_order_value', 'group': 'behaviour', 'transform': 'log_z'},
      {'name': 'max_order_amount', 'group': 'behaviour', 'transform': 'log_z'},
      {'name': 'return_rate', 'group': 'behaviour', 'transform': 'z'},
      {'name': 'cancel_rate', 'group': 'behaviour', 'transform': 'z'},
      {'name': 'discount_share', 'group': 'behaviour', 'transform': 'z'},
      {'name': 'discounted_order_share', 'group': 'behaviour', 'transform': 'z'},
      {'name': 'recent_net_amount', 'group': 'behaviour', 'transform': 'log_z'},
      {'name': 'previous_net_amount', 'group': 'behaviour', 'transform': 'log_z'},
      {'name': 'spend_trend', 'group': 'behaviour', 'transform': 'z'},
      {'name': 'recent_orders', 'group': 'behaviour', 'transform': 'log_z'},
      {'name': 'previous_orders', 'group': 'behaviour', 'transform': 'log_z'},
      {'name': 'mean_gap_days', 'group': 'behaviour', 'transform': 'robust'},
      {'name': 'std_gap_days', 'group': 'behaviour', 'transform': 'robust'},
      {'name': 'n_channels', 'group': 'behaviour', 'transform': 'z'},
      {'name': 'has_events', 'group': 'behaviour', 'transform': 'flag', 'expr': 'case when n_events > 0 then 1 else 0 end'},
      {'name': 'n_events', 'group': 'behaviour', 'transform': 'log_z'},
      {'name': 'n_recent_events', 'group': 'behaviour', 'transform': 'log_z'},
      {'name': 'n_event_days', 'group': 'behaviour', 'transform': 'log_z'},
      {'name': 'days_since_last_event', 'group': 'behaviour', 'transform': 'robust', 'expr': 'coalesce(days_since_last_event, tenure_days)'},
      {'name': 'n_stable_interests', 'group': 'interest', 'transform': 'z'},
      {'name': 'n_interest_categories', 'group': 'interest', 'transform': 'log_z'},
      {'name': 'bgnbd_p_alive', 'group': 'purchase', 'transform': 'z'},
      {'name': 'bgnbd_expected_purchases', 'group': 'purchase', 'transform': 'log_z'},
      {'name': 'clv', 'group': 'purchase', 'transform': 'log_z'},
  ] -%}
  {%- for event_type in setting('feature_event_types') -%}
    {%- do features.append({'name': 'n_recent_' ~ event_type, 'group': 'behaviour', 'transform': 'log_z'}) -%}
  {%- endfor -%}
  {#- dynamic features: interest shares and one-hot attributes, from the data -#}
  {%- set relation = ref('int_customer_features') -%}
  {%- if execute -%}
    {%- set columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
    {#- circle features (int_customer_features joins int_customer_circle) -#}
  {%- for name, transform in [('circle_size', 'log_z'), ('circle_active_share', 'z'), ('circle_median_monetary', 'log_z'),
                               ('circle_monetary_percentile', 'z'), ('circle_frequency_percentile', 'z'),
                               ('circle_degree', 'log_z'), ('circle_referrals_made', 'log_z')] -%}
    {%- do features.append({'name': name, 'group': 'circle', 'transform': transform}) -%}
    {%- endfor -%}
    {%- for column in columns if column.startswith('interest_') -%}
      {%- do features.append({'name': column, 'group': 'interest', 'transform': 'z'}) -%}
    {%- endfor -%}
    {%- for attribute in setting('feature_onehot_attributes') -%}
      {%- for value in top_values(relation, attribute, setting('feature_max_onehot_values'), "feature_date_role = 'training'") -%}
        {%- do features.append({'name': attribute ~ '__' ~ slugify(value), 'group': 'explicit', 'transform': 'onehot',
                                'expr': "case when " ~ attribute ~ " = '" ~ (value | replace("'", "''")) ~ "' then 1 else 0 end",
                                'attribute': attribute, 'value': value}) -%}
      {%- endfor -%}
    {%- endfor -%}
  {%- endif -%}
  {{ return(features) }}
{% endmacro %}

{#- The feature's value after its transform, before centring and scaling. -#}
{% macro feature_transformed(feature) -%}
  {%- set x = feature.get('expr', feature['name']) -%}
  {%- if feature['transform'] == 'log_z' -%}ln(1 + greatest(cast({{ x }} as double), 0))
  {%- else -%}cast({{ x }} as double){%- endif -%}
{%- endmacro %}
