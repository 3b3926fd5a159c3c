{#- The classes of each learnt label, in a fixed order: var label_classes (dbt_project.yml). -#}
{% macro label_classes() %}
  {{ return(var('label_classes')) }}
{% endmacro %}
