{#- The RFM rule, written once: int_customer_rfm (at the feature dates) and
    campaign_customer_features (at each campaign start) both call these macros.
    - A score is a quantile among the customers with a completed order at the same date:
      ceil(N * cume_dist) with N = setting rfm_score_bins; equal values get equal scores.
      Recency is ordered from the oldest order to the newest (higher is better).
    - fm_score = round((f_score + m_score) / 2), halves rounded up.
    - The segment is the first row of seed rfm_segments (lowest priority number) whose r and fm
      ranges hold the scores; 'Never Purchased' without a completed order, 'Unmapped' when the
      grid leaves the pair uncovered. -#}

{#- A 1..N quantile score of `order_by` within `partition_by`. -#}
{% macro rfm_score(order_by, partition_by) -%}
  cast(ceil({{ setting('rfm_score_bins') }} * cume_dist() over (partition by {{ partition_by }} order by {{ order_by }})) as integer)
{%- endmacro %}

{% macro rfm_fm_score(f_score, m_score) -%}
  cast(floor(({{ f_score }} + {{ m_score }}) / 2.0 + 0.5) as integer)
{%- endmacro %}

{#- " and <ts> is inside the RFM window ending at <end_ts>" (nothing when the window is all
    history, setting rfm_window_days = 0). -#}
{% macro in_rfm_window(ts_expr, end_ts_expr) -%}
  {%- set w = setting('rfm_window_days') -%}
  {%- if w > 0 %} and {{ ts_expr }} >= {{ dbt.dateadd('day', -w, end_ts_expr) }}{% endif -%}
{%- endmacro %}

{#- A relation (r_score, fm_score, segment): the segment of every score pair, the first match
    by priority. At most N x N rows, so each customer needs a single equi-join. -#}
{% macro rfm_segment_lookup(segments) -%}
  {%- set n = setting('rfm_score_bins') -%}
  {%- set score_values -%}
    ({%- for i in range(1, n + 1) %}select {{ i }} as score{{ " union all " if not loop.last }}{% endfor -%})
  {%- endset -%}
    select r_score, fm_score, segment
    from (
        select
            r_values.score as r_score,
            fm_values.score as fm_score,
            segments.segment,
            row_number() over (
                partition by r_values.score, fm_values.score
                order by segments.priority) as segment_rank
        from {{ score_values }} as r_values
        cross join {{ score_values }} as fm_values
        inner join {{ segments }} as segments
            on r_values.score between segments.r_score_min and segments.r_score_max
            and fm_values.score between segments.fm_score_min and segments.fm_score_max
    ) as segment_matches
    where segment_rank = 1
{%- endmacro %}

{#- The segment name of a customer, from its segment lookup match. -#}
{% macro rfm_segment_name(has_completed_order, matched_segment) -%}
  case
        when not ({{ has_completed_order }}) then 'Never Purchased'
        else coalesce({{ matched_segment }}, 'Unmapped')
    end
{%- endmacro %}

{#- The RFM values and scores a customer row carries, read from `relation` (int_customer_rfm):
    recency_days, frequency, monetary and their scores. -#}
{% macro rfm_value_columns(relation) -%}
    {%- for column in ['recency_days', 'frequency', 'monetary', 'r_score', 'f_score', 'm_score'] %}
        {{ relation }}.{{ column }},
    {%- endfor %}
{%- endmacro %}
