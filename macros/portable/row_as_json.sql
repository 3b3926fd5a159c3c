{# The original row, as JSON text, for stg_rejected_rows. #}
{% macro row_as_json(columns, prefix='') -%}
  {{ return(adapter.dispatch('row_as_json', 'customer_activation')(columns, prefix)) }}
{%- endmacro %}

{% macro duckdb__row_as_json(columns, prefix) -%}
  cast(to_json(struct_pack({%- for c in columns -%}{{ c }} := {{ prefix }}{{ c }}{{ ", " if not loop.last }}{%- endfor -%})) as varchar)
{%- endmacro %}

{% macro default__row_as_json(columns, prefix) -%}
  to_json(named_struct({%- for c in columns -%}'{{ c }}', {{ prefix }}{{ c }}{{ ", " if not loop.last }}{%- endfor -%}))
{%- endmacro %}

{#- ---- text ---------------------------------------------------------------------------- -#}
{#- Spark's to_json leaves out null fields unless told not to; DuckDB writes "name":null. -#}
{% macro spark__row_as_json(columns, prefix) -%}
  to_json(named_struct({%- for c in columns -%}'{{ c }}', {{ prefix }}{{ c }}{{ ", " if not loop.last }}{%- endfor -%}), map('ignoreNullFields', 'false'))
{%- endmacro %}
