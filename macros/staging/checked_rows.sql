{#-
  checked_rows: the body of a stg_<table>_checked model. Every input row of a contract table,
  parsed, with the reason it is rejected (null = kept) and, when rejected, the original row as
  JSON text: stg_<table> keeps the rows without a reason, stg_rejected_rows lists the others and
  stg_row_counts reconciles the two with the input.

  The SQL it writes, one CTE after the other:
    raw_<table>     the raw text (raw_table), unless parsed_model is given;
    cleaned         (from the raw table) every column cleaned once (cleaned_contract_columns
                    with `codes`);
    parsed          the contract's typed columns, their raw_ text and the clean text_ of the
                    typed ones (parsed_contract_columns), or those columns of `parsed_model`
                    (an incremental stg_<table>_parsed) with its parse_reject_reason and the
                    clean text_ of the optional typed columns (value_checked_columns);
    as_of           stg_as_of_date (when `as_of`), cross joined to every row;
    kept_customers  stg_customers (when `customer_columns`), left joined once per column, as
                    known_<column>;
    <lookup name>   one per `lookups` entry, left joined on its column;
    row_checks      parsed.* with the `derived` columns and row_reject_reason: the reason of the
                    first check in `checks` that holds (a parsed model's parse_reject_reason
                    before them);
    ranked          (when `keys`) the duplicate rank among the rows of a key with the same
                    verdict (rejected or not): ordered by `prefer`, then the raw text;
  then the output: the contract's columns (an `outputs` entry replaces a column's value),
  reject_reason (row_reject_reason, else `duplicate_reason` for a rank above 1), original_row,
  and for each optional typed column (value_checked_columns) <column>_issue and
  <column>_rejected_value: a value there that does not parse, or fails its `value_checks`, is
  output as null with the reason and its raw text (stg_rejected_values), and the row is kept.

  Arguments:
    table             contract table (macros/sources/contract.sql).
    checks            ordered list of (condition, reason): SQL conditions over the row_checks
                      relations (parsed, as_of, the lookups) and reason codes
                      (seeds/rejection_reasons.csv). The entry (none, 'unknown_customer') is the
                      check that a customer_columns value is not a kept customer, in its place.
    codes             columns parsed as codes (lower-cased), when read from the raw table.
    parsed_model      read the parsed rows from this model instead of the raw table.
    as_of             cross join stg_as_of_date as as_of (its columns in checks).
    customer_columns  parsed columns that must name a kept customer (stg_customers).
    lookups           list of {'name', 'on', 'rows'}: a CTE `name` of the SQL `rows`, left
                      joined on parsed.<on> = name.<on>.
    derived           list of (name, expression): columns computed in row_checks, next to the
                      checks (may read the lookups), usable in keys, prefer and outputs.
    keys              duplicate key (columns or expressions); none = not de-duplicated.
    prefer            order among the rows of a key, before the raw text: the first is kept.
    duplicate_reason  the reason of the rows ranked after the first: duplicate_key (a key seen
                      again) or duplicate_row (an exact copy).
    outputs           {contract column: expression}: the value output for that column.
    value_checks      ordered list of (column, condition, reason) on optional typed columns: a
                      value for which the condition holds is nulled (after the check that it
                      parses). A reason is a code, or an SQL expression (reason_sql).
    number_within     (with keys) the leading keys within which the kept keys are numbered: one
                      window sorts a group by its remaining keys, the copy rank is row_number -
                      rank + 1 and the number the dense_rank (one sort instead of two).
    number_column     the name of that number, output after original_row.
-#}
{% macro checked_rows(table, checks, codes=[], parsed_model=none, as_of=true, customer_columns=[],
                      lookups=[], derived=[], keys=none, prefer=[], duplicate_reason='duplicate_key',
                      outputs={}, number_within=none, number_column=none, value_checks=[]) %}
  {%- set raw_columns = contract_column_names(table, 'raw_') -%}
  {%- set value_columns = value_checked_columns(table) -%}
  {%- for column, condition, reason in value_checks -%}
    {%- if column not in value_columns or column in outputs -%}
      {{ exceptions.raise_compiler_error("checked_rows('" ~ table ~ "'): value check on '" ~ column ~ "', which is not an optional typed column without an output expression (" ~ (value_columns | join(', ')) ~ ")") }}
    {%- endif -%}
  {%- endfor -%}
  {%- set customer_checks = checks | selectattr(0, 'none') | list -%}
  {%- if (customer_checks | length) != (1 if customer_columns else 0)
         or (customer_checks and customer_checks[0][1] != 'unknown_customer') -%}
    {{ exceptions.raise_compiler_error("checked_rows('" ~ table ~ "'): the check (none, 'unknown_customer') "
        ~ "is given exactly once, and only with customer_columns") }}
  {%- endif -%}
  {%- if number_within is not none and (keys is none or number_column is none) -%}
    {{ exceptions.raise_compiler_error("checked_rows('" ~ table ~ "'): number_within needs keys and number_column") }}
  {%- endif -%}
with
{%- if parsed_model is none %}
raw_{{ table }} as (
    {{ raw_table(table) }}
),

cleaned as (
    select
        {{ cleaned_contract_columns(table, codes=codes) }}
    from raw_{{ table }}
),

parsed as (
    select
        {{ parsed_contract_columns(table) }}
    from cleaned
),
{%- else %}
parsed as (
    {#- only what the checks need: the row hash and the bookkeeping columns would ride through every sort -#}
    select
        {{ (contract_column_names(table) + raw_columns) | join(', ') }},
        {%- for column in value_columns %}
        {{ clean_text('raw_' ~ column) }} as text_{{ column }},
        {%- endfor %}
        parse_reject_reason
    from {{ ref(parsed_model) }}
),
{%- endif %}
{%- if as_of %}

as_of as (
    select * from {{ ref('stg_as_of_date') }}
),
{%- endif %}
{%- if customer_columns %}

kept_customers as (
    select customer_id from {{ ref('stg_customers') }}
),
{%- endif %}
{%- for lookup in lookups %}

{{ lookup['name'] }} as (
    {{ lookup['rows'] | trim }}
),
{%- endfor %}

row_checks as (
    select
        parsed.*,
        {%- for name, expression in derived %}
        {{ expression }} as {{ name }},
        {%- endfor %}
        {%- for column in value_columns %}
        case
            {{ when_unparseable(table, column, 'parsed.') }}
            {%- for checked_column, condition, reason in value_checks if checked_column == column %}
            when {{ condition | trim }} then {{ reason_sql(reason) }}
            {%- endfor %}
        end as {{ column }}_issue,
        {%- endfor %}
        case
            {%- if parsed_model is not none %}
            when parsed.parse_reject_reason is not null then parsed.parse_reject_reason
            {%- endif %}
            {%- for condition, reason in checks %}
            when {{ unknown_customer_condition(customer_columns) if condition is none else condition | trim }} then {{ reason_sql(reason) }}
            {%- endfor %}
        end as row_reject_reason
    from parsed
    {%- if as_of %}
    cross join as_of
    {%- endif %}
    {%- for column in customer_columns %}
    left join kept_customers as known_{{ column }}
        on parsed.{{ column }} = known_{{ column }}.customer_id
    {%- endfor %}
    {%- for lookup in lookups %}
    left join {{ lookup['name'] }}
        on parsed.{{ lookup['on'] }} = {{ lookup['name'] }}.{{ lookup['on'] }}
    {%- endfor %}
)
{%- if keys is not none %},

ranked as (
    select
        row_checks.*,
        {%- if number_within is none %}
        row_number() over (
            partition by {{ (keys + ['row_reject_reason is null']) | join(', ') }}
            order by {{ (prefer + raw_columns) | join(', ') }}
        ) as duplicate_rank
        {%- else %}
        {%- set group = (number_within + ['row_reject_reason is null']) | join(', ') -%}
        {%- set line_key = (keys | reject('in', number_within) | list) | join(', ') %}
        row_number() over (
            partition by {{ group }}
            order by {{ ([line_key] + prefer + raw_columns) | join(', ') }}
        ) - rank() over (
            partition by {{ group }}
            order by {{ line_key }}
        ) + 1 as duplicate_rank,
        dense_rank() over (
            partition by {{ group }}
            order by {{ line_key }}
        ) as key_number
        {%- endif %}
    from row_checks
)
{%- endif %}

select
    {%- for column in contract_column_names(table) %}
    {%- if column in outputs %}
    {{ outputs[column] }} as {{ column }},
    {%- elif column in value_columns %}
    case when {{ column }}_issue is null then {{ column }} end as {{ column }},
    {%- else %}
    {{ column }},
    {%- endif %}
    {%- endfor %}
    {%- for column in value_columns %}
    {{ column }}_issue,
    case when {{ column }}_issue is not null then raw_{{ column }} end as {{ column }}_rejected_value,
    {%- endfor %}
    {%- if keys is none %}
    row_reject_reason as reject_reason,
    case when row_reject_reason is not null
         then {{ row_as_json(contract_column_names(table), 'raw_') }} end as original_row
from row_checks
    {%- else %}
    coalesce(row_reject_reason, case when duplicate_rank > 1 then '{{ duplicate_reason }}' end) as reject_reason,
    case when row_reject_reason is not null or duplicate_rank > 1
         then {{ row_as_json(contract_column_names(table), 'raw_') }} end as original_row
    {%- if number_within is not none %},
    case when row_reject_reason is null and duplicate_rank = 1 then key_number end as {{ number_column }}
    {%- endif %}
from ranked
    {%- endif %}
{% endmacro %}

{#- The condition of the check unknown_customer: a customer column's value is not a kept customer. -#}
{% macro unknown_customer_condition(customer_columns) -%}
  {%- for column in customer_columns -%}
    known_{{ column }}.customer_id is null{{ " or " if not loop.last }}
  {%- endfor -%}
{%- endmacro %}

{#- How many of the columns are null: "prefer=[missing_count(['brand', 'category'])]" keeps the
    most complete row of a key. -#}
{% macro missing_count(columns) -%}
  {%- for column in columns -%}
    case when {{ column }} is null then 1 else 0 end{{ " + " if not loop.last }}
  {%- endfor -%}
{%- endmacro %}
