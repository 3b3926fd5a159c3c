-- Fails with each (r_score, fm_score) pair in 1..rfm_score_bins that no row of seed
-- rfm_segments covers: after editing the grid (or changing rfm_score_bins) every pair needs a segment.
{%- set n = setting('rfm_score_bins') %}
with score_pairs as (
    {%- for r in range(1, n + 1) %}
    {%- set outer = loop %}
    {%- for fm in range(1, n + 1) %}
    select {{ r }} as r_score, {{ fm }} as fm_score
    {% if not (outer.last and loop.last) %}union all{% endif %}
    {%- endfor %}
    {%- endfor %}
)

select score_pairs.r_score, score_pairs.fm_score
from score_pairs
left join {{ ref('rfm_segments') }} as segments
    on score_pairs.r_score between segments.r_score_min and segments.r_score_max
    and score_pairs.fm_score between segments.fm_score_min and segments.fm_score_max
where segments.segment is null
