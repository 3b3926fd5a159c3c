{#- The campaign loop's macros: engine shims (dispatched; the only place engine-specific SQL
    of models/campaigns lives), its settings (vars with defaults, checked), the audience
    rules read from the seed, and the gate test. -#}

{#- A number in [0, 1) from the 8 hex digits at position `part` (0, 1, 2 or 3) of the MD5 of
    a text expression: uniform, deterministic, the same on every engine and in Python
    (int(md5(text).hexdigest()[8*part:8*part+8], 16) / 2**32). Assignment uses part 0 for
    pilot / rollout and part 1 for treatment / control, so the two splits are independent. -#}
{% macro hash_unit_interval(text_expr, part=0) -%}
  (cast({{ hex8_to_bigint('substr(' ~ dbt.hash(text_expr) ~ ', ' ~ (1 + 8 * part) ~ ', 8)') }} as {{ type_double() }}) / 4294967296.0)
{%- endmacro %}

{#- A double-precision float type (dbt.type_float() is 4-byte REAL on DuckDB). -#}
{% macro type_double() -%}
  {{ return(adapter.dispatch('type_double', 'customer_activation')()) }}
{%- endmacro %}
{% macro default__type_double() -%}double precision{%- endmacro %}
{% macro duckdb__type_double() -%}double{%- endmacro %}
{% macro spark__type_double() -%}double{%- endmacro %}

{#- A text of 8 hex digits as an integer (0 .. 2^32 - 1). -#}
{% macro hex8_to_bigint(hex_expr) -%}
  {{ return(adapter.dispatch('hex8_to_bigint', 'customer_activation')(hex_expr)) }}
{%- endmacro %}
{% macro default__hex8_to_bigint(hex_expr) -%}
  cast(cast({{ dbt.concat(["'x'", hex_expr]) }} as bit(32)) as bigint)
{%- endmacro %}
{% macro duckdb__hex8_to_bigint(hex_expr) -%}
  cast({{ dbt.concat(["'0x'", hex_expr]) }} as bigint)
{%- endmacro %}
{% macro spark__hex8_to_bigint(hex_expr) -%}
  cast(conv({{ hex_expr }}, 16, 10) as bigint)
{%- endmacro %}

{#- The campaign settings: var name -> (default, minimum, maximum) for numbers. Every var is
    read with its default here, so dbt_project.yml needs none of them; a value of the wrong
    type or out of range stops the build with a message naming the var. -#}
{% macro campaign_number_vars() %}
  {{ return({
    'campaign_pilot_share': (0.1, 0, 1),
    'campaign_control_share': (0.2, 0, 1),
    'campaign_srm_alpha': (0.001, 0.0000001, 0.5),
    'campaign_pre_window_days': (0, 0, 3650),
    'campaign_post_window_days': (0, 0, 3650),
    'campaign_confidence': (0.95, 0.5, 0.9999),
    'campaign_gate_min_n': (10, 1, 1000000000),
    'campaign_gate_tolerance': (0.0, 0, 1),
    'campaign_mde': (0.05, 0.0001, 0.9),
    'campaign_power': (0.8, 0.5, 0.9999),
    'campaign_n_boot': (2000, 100, 100000),
    'campaign_bootstrap_max_n': (20000, 10, 1000000000),
    'campaign_response_model_c': (1.0, 0.000001, 1000000),
    'campaign_response_model_min_rows': (50, 2, 1000000000),
    'campaign_segment_min_n': (5, 1, 1000000),
  }) }}
{% endmacro %}

{% macro campaign_var(name) %}
  {%- set specs = campaign_number_vars() -%}
  {%- if name in specs -%}
    {%- set spec = specs[name] -%}
    {%- set value = var(name, spec[0]) -%}
    {%- if value is string or value is not number or value is sameas true or value is sameas false -%}
      {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be a number between " ~ spec[1] ~ " and " ~ spec[2] ~ "; got '" ~ (value | string) ~ "'") }}
    {%- endif -%}
    {%- if value < spec[1] or value > spec[2] -%}
      {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be between " ~ spec[1] ~ " and " ~ spec[2] ~ "; got " ~ value) }}
    {%- endif -%}
    {{ return(value) }}
  {%- elif name == 'campaign_gate_severity' -%}
    {%- set value = var(name, 'error') | string | lower -%}
    {%- if value not in ['error', 'warn'] -%}
      {{ exceptions.raise_compiler_error("var 'campaign_gate_severity' must be error or warn; got " ~ value) }}
    {%- endif -%}
    {{ return(value) }}
  {%- elif name in ['campaign_gate_require_pilot', 'campaign_gate_use_overrides'] -%}
    {%- set value = var(name, name == 'campaign_gate_use_overrides') -%}
    {%- if value is not sameas true and value is not sameas false -%}
      {{ exceptions.raise_compiler_error("var '" ~ name ~ "' must be true or false; got " ~ (value | string)) }}
    {%- endif -%}
    {{ return(value) }}
  {%- else -%}
    {{ exceptions.raise_compiler_error("unknown campaign var '" ~ name ~ "'") }}
  {%- endif -%}
{% endmacro %}

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

{#- Generic test: no rollout contacts for a campaign whose pilot gate did not pass, unless an
    override is recorded (seed campaign_gate_overrides, var campaign_gate_use_overrides).
    Campaigns without a pilot are checked only with var campaign_gate_require_pilot. Severity:
    var campaign_gate_severity (error; warn to only report). -#}
{% test campaign_rollout_respects_gate(model) %}
  {{ config(severity=campaign_var('campaign_gate_severity')) }}
  select campaign_id, gate_status, n_rollout_contacts, gate_override_reason
  from {{ model }}
  where n_rollout_contacts > 0
    and gate_status <> 'pass'
    {%- if not campaign_var('campaign_gate_require_pilot') %}
    and gate_status <> 'no_pilot'
    {%- endif %}
    {%- if campaign_var('campaign_gate_use_overrides') %}
    and gate_override_reason is null
    {%- endif %}
{% endtest %}
