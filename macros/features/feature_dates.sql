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
  {%- set h = setting('label_horizon_days') -%}
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
  placeholder {end} stands for the feature date's exclusive end timestamp, {date} for the
  feature date and {offset_days} for its distance in days before the scoring date, a constant)
  per `group_by` over `relation_sql`, for every feature date at once, and returns
  it long: one row per group and feature_date_role. The relation must not be named fd.
  `extra`: more aggregations of the same kind over other relations, each
  {'relation': sql, 'metrics': {...}, 'fill': {name: value when the group has no row there}},
  left-joined on `group_by` (their groups must be among the main relation's). Use it to keep a
  costly per-row step (a window, say) on the few rows and columns that need it. `column_order`
  (optional) lists every metric name in the order of the output columns.
-#}
{% macro aggregate_at_feature_dates(relation_sql, group_by, metrics, extra=[], column_order=none) %}
{%- set sources = [{'relation': relation_sql, 'metrics': metrics, 'fill': {}}] + extra -%}
{%- set owner = {} -%}
{%- for source in sources -%}
  {%- set source_index = loop.index -%}
  {%- for name in source['metrics'].keys() -%}{%- do owner.update({name: source_index}) -%}{%- endfor -%}
{%- endfor -%}
{%- set names = column_order if column_order is not none else owner.keys() | list -%}
with
{%- for source in sources %}
per_date_wide_{{ loop.index }} as (
    select
        {{ group_by | join(', ') }},
        {%- for fd in feature_dates() %}
        {%- set outer_loop = loop %}
        {%- for name, expr in source['metrics'].items() %}
        {{ expr | replace('{end}', 'fd.' ~ fd.role ~ '_end_ts') | replace('{date}', 'fd.' ~ fd.role ~ '_date') | replace('{offset_days}', fd.offset_days | string) }} as {{ fd.role }}__{{ name }}{{ "," if not (outer_loop.last and loop.last) }}
        {%- endfor %}
        {%- endfor %}
    from {{ source['relation'] }}
    cross join {{ ref('int_feature_dates_wide') }} as fd
    group by {{ group_by | join(', ') }}
),
{%- endfor %}
per_date_wide as (
    {%- if sources | length == 1 %}
    select * from per_date_wide_1
    {%- else %}
    select
        {%- for g in group_by %}
        per_date_wide_1.{{ g }},
        {%- endfor %}
        {%- for fd in feature_dates() %}
        {%- set outer_loop = loop %}
        {%- for name in names %}
        {%- set i = owner[name] %}
        {%- set fill = sources[i - 1]['fill'].get(name) %}
        {%- if fill is not none and i > 1 -%}
        coalesce(per_date_wide_{{ i }}.{{ fd.role }}__{{ name }}, {{ fill }})
        {%- else -%}
        per_date_wide_{{ i }}.{{ fd.role }}__{{ name }}
        {%- endif %} as {{ fd.role }}__{{ name }}{{ "," if not (outer_loop.last and loop.last) }}
        {%- endfor %}
        {%- endfor %}
    from per_date_wide_1
    {%- for source in sources[1:] %}
    {%- set j = loop.index + 1 %}
    left join per_date_wide_{{ j }}
        on {% for g in group_by %}per_date_wide_1.{{ g }} = per_date_wide_{{ j }}.{{ g }}{{ " and " if not loop.last }}{% endfor %}
    {%- endfor %}
    {%- endif %}
)
{% for fd in feature_dates() %}
select
    {{ group_by | join(', ') }},
    '{{ fd.role }}' as feature_date_role,
    {%- for name in names %}
    {{ fd.role }}__{{ name }} as {{ name }}{{ "," if not loop.last }}
    {%- endfor %}
from per_date_wide
{% if not loop.last %}union all{% endif %}
{%- endfor %}
{% endmacro %}
