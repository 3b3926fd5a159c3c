{#- Generic test: every value of the column is at most `maximum` (nulls fail too). -#}
{% test at_most(model, column_name, maximum) %}
  select {{ column_name }}
  from {{ model }}
  where {{ column_name }} is null or {{ column_name }} > {{ maximum }}
{% endtest %}
