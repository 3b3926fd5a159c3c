{#- Cross-engine helpers where dbt has no macro of its own. -#}

{# Comma-separated text of the non-null values of expr, ordered by order_by. #}
{% macro ordered_string_agg(expr, order_by, delimiter=', ') -%}
  {{ return(adapter.dispatch('ordered_string_agg', 'customer_activation')(expr, order_by, delimiter)) }}
{%- endmacro %}
{% macro default__ordered_string_agg(expr, order_by, delimiter) -%}
  {{ dbt.listagg(expr, "'" ~ delimiter ~ "'", "order by " ~ order_by) }}
{%- endmacro %}
{% macro spark__ordered_string_agg(expr, order_by, delimiter) -%}
  array_join(transform(array_sort(collect_list(case when {{ expr }} is not null then struct({{ order_by }} as k, {{ expr }} as v) end)), x -> x.v), '{{ delimiter }}')
{%- endmacro %}

{# Age band of an age in years: '<25', '25-34', '35-44', '45-54', '55-64', '65+', null. #}
{% macro age_band(age_expr) -%}
  case
    when {{ age_expr }} is null then null
    when {{ age_expr }} < 25 then '<25'
    when {{ age_expr }} < 35 then '25-34'
    when {{ age_expr }} < 45 then '35-44'
    when {{ age_expr }} < 55 then '45-54'
    when {{ age_expr }} < 65 then '55-64'
    else '65+'
  end
{%- endmacro %}

{# Median (exact where the engine has it). #}
{% macro median(expr) -%}
  {{ return(adapter.dispatch('median', 'customer_activation')(expr)) }}
{%- endmacro %}
{% macro default__median(expr) -%}percentile_cont(0.5) within group (order by {{ expr }}){%- endmacro %}
{% macro duckdb__median(expr) -%}median({{ expr }}){%- endmacro %}
{% macro spark__median(expr) -%}percentile({{ expr }}, 0.5){%- endmacro %}
