{#- The classes of each learnt label, in a fixed order: setting label_classes. -#}
{% macro label_classes() %}
  {{ return(setting('label_classes')) }}
{% endmacro %}
