{#-
  Point-in-time computation. Every intermediate model is computed at several feature dates in
  one pass over the data, using only rows strictly before the end of that date:
    scoring   = as_of_date                        (what the marts show, what models score)
    training  = as_of_date - label_horizon_days   (features for training; labels observed in
                                                   (training, as_of_date])
    backtest  = as_of_date - 2 * label_horizon_days (features for the time-based holdout:
                                                   train here with labels in (backtest, training],
                                                   evaluate at training)
  The same SQL computes all three, so features for training and for scoring cannot drift apart.
-#}
{% macro feature_dates() %}
  {%- set h = number_var('label_horizon_days') -%}
  {{ return([
      {'role': 'scoring', 'offset_days': 0},
      {'role': 'training', 'offset_days': h},
      {'role': 'backtest', 'offset_days': 2 * h},
  ]) }}
{% endmacro %}

{#- Expression true when ts is visible at feature date role (ts before the end of that day).
    Needs the one-row int_feature_dates_wide cross-joined as `fd`. -#}
{% macro visible_at(ts, role) -%}
  {{ ts }} < fd.{{ role }}_end_ts
{%- endmacro %}

{#-
  One pass, all feature dates: aggregates `metrics` (name -> SQL aggregate in which the
  placeholder {end} stands for the feature date's exclusive end timestamp and {date} for the
  feature date) per `group_by` over `relation_sql`, for every feature date at once, and returns
  it long: one row per group and feature_date_role. The relation must not be named fd.
-#}
{% macro aggregate_at_feature_dates(relation_sql, group_by, metrics) %}
with per_date_wide as (
    select
        {{ group_by | join(', ') }},
        {%- for fd in feature_dates() %}
        {%- set outer_loop = loop %}
        {%- for name, expr in metrics.items() %}
        {{ expr | replace('{end}', 'fd.' ~ fd.role ~ '_end_ts') | replace('{date}', 'fd.' ~ fd.role ~ '_date') }} as {{ fd.role }}__{{ name }}{{ "," if not (outer_loop.last and loop.last) }}
        {%- endfor %}
        {%- endfor %}
    from {{ relation_sql }}
    cross join {{ ref('int_feature_dates_wide') }} as fd
    group by {{ group_by | join(', ') }}
)
{% for fd in feature_dates() %}
select
    {{ group_by | join(', ') }},
    '{{ fd.role }}' as feature_date_role,
    {%- for name in metrics.keys() %}
    {{ fd.role }}__{{ name }} as {{ name }}{{ "," if not loop.last }}
    {%- endfor %}
from per_date_wide
{% if not loop.last %}union all{% endif %}
{%- endfor %}
{% endmacro %}
