{# A lower-case identifier fragment from any text ('Paid Search' -> 'paid_search'). Text with
   non-ASCII characters, or whose slug is longer than 40 characters, keeps at most 40 characters
   of it plus 8 hex digits of the text's md5, so distinct values ('関東' and '東北', which have no
   ASCII letter; a 10,000-character value) give distinct, short column names. #}
{% macro slugify(text) -%}
  {%- set raw = text | string -%}
  {%- set s = modules.re.sub('[^a-z0-9]+', '_', raw | lower).strip('_') -%}
  {%- if not raw.isascii() or s | length > 40 -%}
    {%- set s = (s[:40].strip('_') or 'x') ~ '_' ~ local_md5(raw)[:8] -%}
  {%- endif -%}
  {{- s if s else 'blank' -}}
{%- endmacro %}
