{#- Generic test: every value of the column is at least `minimum` (nulls fail too). -#}
{% test at_least(model, column_name, minimum) %}
  select {{ column_name }}
  from {{ model }}
  where {{ column_name }} is null or {{ column_name }} < {{ minimum }}
{% endtest %}
