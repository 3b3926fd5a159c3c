{#- Generic test: no rollout contacts for a campaign whose pilot gate did not pass, unless an
    override is recorded (seed campaign_gate_overrides, var campaign_gate_use_overrides).
    Campaigns without a pilot are checked only with var campaign_gate_require_pilot. Severity:
    var campaign_gate_severity (error; warn to only report). -#}
{% test campaign_rollout_respects_gate(model) %}
  {{ config(severity=setting('campaign_gate_severity')) }}
  select campaign_id, gate_status, n_rollout_contacts, gate_override_reason
  from {{ model }}
  where n_rollout_contacts > 0
    and gate_status <> 'pass'
    {%- if not setting('campaign_gate_require_pilot') %}
    and gate_status <> 'no_pilot'
    {%- endif %}
    {%- if setting('campaign_gate_use_overrides') %}
    and gate_override_reason is null
    {%- endif %}
{% endtest %}
