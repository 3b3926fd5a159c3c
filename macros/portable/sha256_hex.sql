{#-
  PII never reaches a mart in clear text. Email: SHA-256 (hex) of the trimmed, lower-cased
  address — the form ad platforms' customer-match uploads expect, so the hash is still useful
  for activation. Phone: SHA-256 of its digits only, and a masked form showing the last two
  digits. Both are dispatched: DuckDB sha256 / regexp_replace(..., 'g'); Spark sha2 /
  regexp_replace (which replaces every match by default).
-#}
{% macro sha256_hex(expr) -%}
  {{ return(adapter.dispatch('sha256_hex', 'customer_activation')(expr)) }}
{%- endmacro %}

{% macro default__sha256_hex(expr) -%}sha2({{ expr }}, 256){%- endmacro %}

{% macro duckdb__sha256_hex(expr) -%}sha256({{ expr }}){%- endmacro %}
