{# Comma-separated text of the non-null values of expr, ordered by order_by. #}
{% macro ordered_string_agg(expr, order_by, delimiter=', ') -%}
  {{ return(adapter.dispatch('ordered_string_agg', 'customer_activation')(expr, order_by, delimiter)) }}
{%- endmacro %}

{% macro default__ordered_string_agg(expr, order_by, delimiter) -%}
  {{ dbt.listagg(expr, "'" ~ delimiter ~ "'", "order by " ~ order_by) }}
{%- endmacro %}

{% macro spark__ordered_string_agg(expr, order_by, delimiter) -%}
  case when count({{ expr }}) > 0 then
  array_join(transform(array_sort(collect_list(case when {{ expr }} is not null then struct({{ order_by }} as k, {{ expr }} as v) end)), x -> x.v), '{{ delimiter }}')
  end
{%- endmacro %}
