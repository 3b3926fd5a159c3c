{#- The audience rules of seed campaign_audiences (empty at parse time): a list of dicts
    audience_name, rule_version, source, rule. Checks each rule's source and that names are
    unique, so a bad row stops the build naming the audience. -#}
{% macro campaign_audience_rules() %}
  {%- if not execute -%}{{ return([]) }}{%- endif -%}
  {%- set query -%}
    select audience_name, rule_version, source, rule from {{ ref('campaign_audiences') }} order by audience_name
  {%- endset -%}
  {%- set table = run_query(query) -%}
  {%- set rules = [] -%}
  {%- set seen = [] -%}
  {%- for row in table.rows -%}
    {%- set name = row[0] | string | trim -%}
    {%- set source = (row[2] | string | trim | lower) -%}
    {%- set rule = (row[3] | string | trim) if row[3] is not none else '' -%}
    {%- if name in seen -%}
      {{ exceptions.raise_compiler_error("seed campaign_audiences: audience '" ~ name ~ "' is defined twice") }}
    {%- endif -%}
    {%- if source not in ['profile', 'tags', 'lookalike'] -%}
      {{ exceptions.raise_compiler_error("seed campaign_audiences: audience '" ~ name ~ "' has source '" ~ source ~ "'; expected profile, tags or lookalike") }}
    {%- endif -%}
    {%- if rule == '' -%}
      {{ exceptions.raise_compiler_error("seed campaign_audiences: audience '" ~ name ~ "' has an empty rule") }}
    {%- endif -%}
    {%- if not modules.re.match('^[a-z0-9_]+$', name) -%}
      {{ exceptions.raise_compiler_error("seed campaign_audiences: audience name '" ~ name ~ "' must be lower-case letters, digits and _") }}
    {%- endif -%}
    {%- do seen.append(name) -%}
    {%- do rules.append({'audience_name': name, 'rule_version': row[1], 'source': source, 'rule': rule}) -%}
  {%- endfor -%}
  {{ return(rules) }}
{% endmacro %}
