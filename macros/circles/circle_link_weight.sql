{#- A SQL list literal of text values: ('a', 'b'). -#}
{% macro circle_sql_text_list(values) -%}
  ({%- for value in values -%}'{{ value | replace("'", "''") }}'{{ ", " if not loop.last }}{%- endfor -%})
{%- endmacro %}

{#- Weight of a link, from var circle_link_weights (1 for a type not listed). -#}
{% macro circle_link_weight(link_type_expr) -%}
  {%- set weights = setting('circle_link_weights') -%}
  {%- for link_type, weight in weights.items() -%}
    {%- if weight is string or weight is not number or weight <= 0 -%}
      {{ exceptions.raise_compiler_error("var 'circle_link_weights': the weight of '" ~ link_type ~ "' must be a number > 0; got " ~ (weight | string)) }}
    {%- endif -%}
  {%- endfor -%}
  {%- if weights | length == 0 -%}
    cast(1 as {{ dbt.type_float() }})
  {%- else -%}
    case {{ link_type_expr }}
      {%- for link_type, weight in weights.items() %}
      when '{{ link_type | replace("'", "''") }}' then cast({{ weight }} as {{ dbt.type_float() }})
      {%- endfor %}
      else cast(1 as {{ dbt.type_float() }})
    end
  {%- endif -%}
{%- endmacro %}
