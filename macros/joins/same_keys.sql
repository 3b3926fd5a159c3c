{#- The join condition of two relations that share key columns, each equal on both sides:
    "left join label_kinds on {{ same_keys('final_labels', 'label_kinds', ['feature_date_role', 'label']) }}". -#}
{% macro same_keys(left, right, columns) -%}
  {%- for column in columns -%}
    {{ left }}.{{ column }} = {{ right }}.{{ column }}{{ " and " if not loop.last }}
  {%- endfor -%}
{%- endmacro %}

{#- The join condition of two point-in-time relations: the same customer at the same feature
    date ("left join rfm on {{ same_customer_and_date('population', 'rfm') }}"). -#}
{% macro same_customer_and_date(left, right) -%}
  {{ same_keys(left, right, ['customer_id', 'feature_date_role']) }}
{%- endmacro %}
