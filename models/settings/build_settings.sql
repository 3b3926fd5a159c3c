{#- One row per setting of the registry (macros/settings/registry.sql): the value this build
    used, as JSON, beside its default. The Python models read their settings here, so SQL
    and Python see the same values under the same names. -#}
{%- for entry in settings_registry() %}
select
    {{ string_literal(entry['name']) }} as setting_name,
    {{ string_literal(entry['group']) }} as setting_group,
    {{ string_literal(entry['type']) }} as setting_type,
    {{ string_literal(tojson(checked_setting(entry), sort_keys=true)) }} as setting_value,
    {{ string_literal(tojson(entry['default'], sort_keys=true)) }} as default_value,
    {{ 'true' if checked_setting(entry) == entry['default'] else 'false' }} as is_default
{{ 'union all' if not loop.last }}
{%- endfor %}
