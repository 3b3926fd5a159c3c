{#- The column holds only values a setting allows (YAML cannot call setting(), a test can):
    the setting's list, a mapping's keys, or 1..n for an integer setting n; `key` picks one
    entry of a mapping setting first, `also` adds fixed values. Nulls pass (not_null checks them). -#}
{% test accepted_setting_values(model, column_name, setting_name, key=none, also=[]) %}
  {%- set value = setting(setting_name) -%}
  {%- if key is not none -%}{%- set value = value[key] -%}{%- endif -%}
  {%- if value is mapping -%}
    {%- set allowed = also + (value.keys() | list) -%}
  {%- elif value is number -%}
    {%- set allowed = also + (range(1, value + 1) | list) -%}
  {%- else -%}
    {%- set allowed = also + (value | list) -%}
  {%- endif -%}
  select {{ column_name }} as value_not_allowed
  from {{ model }}
  where {{ column_name }} is not null
    and {{ column_name }} not in (
      {%- for item in allowed -%}
        {{ item if item is number else string_literal(item) }}{{ ", " if not loop.last }}
      {%- endfor -%}
    )
{% endtest %}
