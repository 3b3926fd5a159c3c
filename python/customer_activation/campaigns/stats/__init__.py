"""Campaign statistics: the numbers behind the campaign loop.

The campaign loop (see DESIGN.md) goes audience -> deterministic assignment (done in SQL) ->
pilot gate -> rollout -> before/after metrics -> quartile comparison, response rate,
difference-in-differences, incremental revenue and ROI with confidence intervals. This package
holds the statistics for every step after assignment. dbt Python models call these functions
as thin wrappers (through :mod:`customer_activation.campaigns.steps`).

Modules: ``srm`` (sample ratio mismatch), ``pilot`` (proportions, the pilot gate and pilot
size), ``quartiles`` (quartiles and quantile shifts), ``effects`` (Welch, difference-in-
differences), ``cuped``, ``incremental`` (incremental response, revenue, ROI), ``multiple``
(multiple-testing corrections), ``verdict`` (asymmetric measurement, the verdict), ``compare`` (every arm comparison of a metric), ``common``.

Conventions shared by every function
------------------------------------
* Pure and deterministic: no global state, all randomness comes from ``random_state``
  (an int seed or a ``numpy.random.Generator``).
* Inputs are plain numbers, sequences, numpy arrays or pandas Series. Missing values (NaN,
  ``pd.NA``) in per-customer arrays are dropped (for paired before/after arrays the whole pair
  is dropped); counts such as ``n`` always refer to the values actually used.
* Outputs are flat dicts of Python scalars (easy to turn into one DataFrame row) or pandas
  objects. Every dict has a ``reason`` key: ``None`` when everything was computed, otherwise a
  short text saying why some entries are NaN.
* Degenerate data (empty arrays, n=1, zero variance, all zeros, zero counts) returns NaN with a
  ``reason`` instead of raising. Inputs that are *invalid* rather than degenerate (negative
  counts, successes > n, a confidence level outside (0, 1), arrays of mismatched length) raise
  ``ValueError``: those are caller bugs, not properties of the data.
* scipy/numpy do the statistics wherever they can; where a formula is written by hand, the
  docstring says why.
"""

from customer_activation.campaigns.stats.compare import COMPARE_ARMS_COLUMNS, compare_arms
from customer_activation.campaigns.stats.cuped import cuped_effect, regression_adjusted_effect
from customer_activation.campaigns.stats.effects import diff_in_diff, welch_ttest
from customer_activation.campaigns.stats.incremental import incremental_summary
from customer_activation.campaigns.stats.multiple import benjamini_hochberg, holm
from customer_activation.campaigns.stats.pilot import pilot_gate, proportion_ci, recommended_pilot_size
from customer_activation.campaigns.stats.quartiles import (
    QUARTILE_KEYS,
    quantile_shift_ci,
    quantile_shift_ci_order_stat,
    quartile_summary,
)
from customer_activation.campaigns.stats.srm import srm_check
from customer_activation.campaigns.stats.uplift import qini_curve, uplift_ranking_metrics
from customer_activation.campaigns.stats.verdict import campaign_verdict, measurement_check

__all__ = [
    "srm_check",
    "proportion_ci",
    "pilot_gate",
    "recommended_pilot_size",
    "quartile_summary",
    "quantile_shift_ci",
    "quantile_shift_ci_order_stat",
    "welch_ttest",
    "diff_in_diff",
    "cuped_effect",
    "regression_adjusted_effect",
    "incremental_summary",
    "benjamini_hochberg",
    "holm",
    "compare_arms",
    "COMPARE_ARMS_COLUMNS",
    "QUARTILE_KEYS",
    "measurement_check",
    "qini_curve",
    "uplift_ranking_metrics",
    "campaign_verdict",
]
