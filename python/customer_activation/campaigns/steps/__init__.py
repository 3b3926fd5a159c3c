"""The campaign loop's Python steps, one function per dbt model in ``models/campaigns``.

Modules: ``response`` (the response model: predictions and scores), ``gates`` (SRM checks,
pilot gate), ``results`` (campaign results), ``effects`` (metric quartiles, effects, segment
effects), ``frames`` (shared helpers, box-plot statistics).

Every function takes plain pandas frames (what the dbt wrappers read with
``model_io.to_frame``) and returns one frame with a fixed list of columns, so the wrappers
stay one-liners and everything here is unit-tested without dbt. The statistics themselves
live in :mod:`customer_activation.campaigns.stats`.

Failures are loud but never crash the build: a campaign without contacts, an arm with no
customers, a pilot without predictions or an open response window give a row with a
``status`` and a ``reason`` in words, and null numbers.

Inputs (column names as the SQL models write them)
--------------------------------------------------
``outcomes`` (campaign_contact_outcomes): one row per observed contact: ``campaign_id``,
``customer_id``, ``arm`` (treatment / control), ``phase`` (pilot / rollout), ``responded``
(0/1, a response inside the contact's window), ``response_revenue``, ``predicted_response``
(given with the contact, may be null), ``window_end_ts``, ``is_window_complete``.

``campaigns`` (campaign_overview): one row per campaign: ``campaign_id``, ``start_date``,
``objective``, ``channel``, ``response_window_days``, ``cost_per_contact``, ``fixed_cost``,
``planned_control_share``, ``planned_pilot_share``, ``is_planned_only``.

``features`` (campaign_customer_features): point-in-time features per contact (context
``contact``, computed strictly before the campaign start) or per customer at the as-of date
(context ``scoring``); see :data:`RESPONSE_FEATURES`.
"""

from customer_activation.campaigns.steps.effects import campaign_effects, metric_quartiles, segment_effects
from customer_activation.campaigns.steps.frames import box_stats
from customer_activation.campaigns.steps.gates import pilot_gates, srm_checks
from customer_activation.campaigns.steps.response import (
    RESPONSE_FEATURES,
    ResponseModel,
    fit_response_model,
    response_predictions,
    response_scores,
)
from customer_activation.campaigns.steps.results import campaign_results
from customer_activation.campaigns.steps.uplift import UpliftModel, fit_uplift_model, uplift_metrics

__all__ = [
    "RESPONSE_FEATURES",
    "ResponseModel",
    "fit_response_model",
    "response_predictions",
    "response_scores",
    "srm_checks",
    "pilot_gates",
    "campaign_results",
    "metric_quartiles",
    "campaign_effects",
    "segment_effects",
    "box_stats",
    "UpliftModel",
    "fit_uplift_model",
    "uplift_metrics",
]
