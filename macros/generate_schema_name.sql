{#- Layers land in schemas named after the layer (staging, intermediate, ml, marts, ...),
    not <target_schema>_<layer>: BI users see stable, short schema names. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
