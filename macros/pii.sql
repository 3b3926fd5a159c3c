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

{% macro digits_only(expr) -%}
  {{ return(adapter.dispatch('digits_only', 'customer_activation')(expr)) }}
{%- endmacro %}
{% macro default__digits_only(expr) -%}regexp_replace({{ expr }}, '[^0-9]', ''){%- endmacro %}
{% macro duckdb__digits_only(expr) -%}regexp_replace({{ expr }}, '[^0-9]', '', 'g'){%- endmacro %}

{#- Hash of a normalised email; null when there is none. -#}
{% macro email_hash(expr) -%}
  case when nullif(trim({{ expr }}), '') is not null then {{ sha256_hex('lower(trim(' ~ expr ~ '))') }} end
{%- endmacro %}

{#- Hash of a phone number's digits; null when it has none. -#}
{% macro phone_hash(expr) -%}
  case when nullif({{ digits_only(expr) }}, '') is not null then {{ sha256_hex(digits_only(expr)) }} end
{%- endmacro %}

{#- A phone number masked but for its last two digits: '*******42'. -#}
{% macro phone_masked(expr) -%}
  case when length({{ digits_only(expr) }}) >= 2 then
    {{ dbt.concat(["repeat('*', length(" ~ digits_only(expr) ~ ") - 2)", dbt.right(digits_only(expr), "2")]) }}
  end
{%- endmacro %}
