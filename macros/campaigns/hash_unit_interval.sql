{#- A number in [0, 1) from the 8 hex digits at position `part` (0, 1, 2 or 3) of the MD5 of
    a text expression: uniform, deterministic, the same on every engine and in Python
    (int(md5(text).hexdigest()[8*part:8*part+8], 16) / 2**32). Assignment uses part 0 for
    pilot / rollout and part 1 for treatment / control, so the two splits are independent. -#}
{% macro hash_unit_interval(text_expr, part=0) -%}
  (cast({{ hex8_to_bigint('substr(' ~ dbt.hash(text_expr) ~ ', ' ~ (1 + 8 * part) ~ ', 8)') }} as {{ type_double() }}) / 4294967296.0)
{%- endmacro %}
