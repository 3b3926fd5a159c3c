{#- One row per feature of the catalogue from `wide` (a CTE name: one row with
    f<i>__center, f<i>__raw_scale, f<i>__n_fit_values per feature i, n_fit_rows, fitted_on):
    feature_name, feature_group, transform, center, raw_scale, n_fit_values, n_fit_rows,
    fitted_on, feature_order. Dispatched: the default is a union of one select per feature;
    Spark unpivots with stack() (spark__feature_parameters_long). -#}
{% macro feature_parameters_long(features, wide) -%}
  {{ return(adapter.dispatch('feature_parameters_long', 'customer_activation')(features, wide)) }}
{%- endmacro %}

{% macro default__feature_parameters_long(features, wide) -%}
    {%- for feature in features %}
    select
        '{{ feature.name }}' as feature_name,
        '{{ feature.group }}' as feature_group,
        '{{ feature.transform }}' as transform,
        {%- if feature.transform in ('z', 'log_z', 'robust') %}
        f{{ loop.index }}__center as center,
        f{{ loop.index }}__raw_scale as raw_scale,
        {%- else %}
        cast(0 as double) as center,
        cast(1 as double) as raw_scale,
        {%- endif %}
        f{{ loop.index }}__n_fit_values as n_fit_values,
        n_fit_rows,
        fitted_on,
        {{ loop.index }} as feature_order
    from {{ wide }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- ---- feature scaling: one row per feature -----------------------------------------

  int_feature_scaling fits every feature in one aggregate (one wide row), then the default
  turns it into one row per feature with a union of ~80 selects of that row: Spark inlines
  the aggregate into each of them and plans ~80 copies. stack() unpivots the row in one go. -#}
{% macro spark__feature_parameters_long(features, wide) -%}
    select stack({{ features | length }}
    {%- for feature in features %},
        '{{ feature.name }}', '{{ feature.group }}', '{{ feature.transform }}',
        {%- if feature.transform in ('z', 'log_z', 'robust') %}
        cast(f{{ loop.index }}__center as double), cast(f{{ loop.index }}__raw_scale as double),
        {%- else %}
        cast(0 as double), cast(1 as double),
        {%- endif %}
        f{{ loop.index }}__n_fit_values, n_fit_rows, fitted_on, {{ loop.index }}
    {%- endfor %}
    ) as (feature_name, feature_group, transform, center, raw_scale, n_fit_values, n_fit_rows, fitted_on, feature_order)
    from {{ wide }}
{%- endmacro %}
