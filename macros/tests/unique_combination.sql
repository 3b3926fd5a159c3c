{#- Generic test: the combination of columns is unique (no dbt-utils: the project installs from PyPI alone). -#}
{% test unique_combination(model, columns) %}
  {%- if columns is string or columns | length == 0 -%}
    {{ exceptions.raise_compiler_error("unique_combination needs a list of columns, e.g. columns: [order_id, line_number]") }}
  {%- endif -%}
  select {{ columns | join(', ') }}, count(*) as n_rows
  from {{ model }}
  group by {{ columns | join(', ') }}
  having count(*) > 1
{% endtest %}
