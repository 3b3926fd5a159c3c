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
