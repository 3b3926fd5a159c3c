{# Blank text is null; surrounding spaces go. #}
{% macro clean_text(expr) -%}
  nullif(trim({{ expr }}), '')
{%- endmacro %}

{# Codes (status, arm, gender, ...) compare lower-case and trimmed. #}
{% macro clean_code(expr) -%}
  lower(nullif(trim({{ expr }}), ''))
{%- endmacro %}
