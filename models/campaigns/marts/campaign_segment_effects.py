"""Uplift per campaign x segment at the campaign start (RFM segment, lifecycle stage), with
Benjamini-Hochberg and Holm adjusted p-values per campaign x dimension
(customer_activation.campaigns.steps.effects.segment_effects)."""
# model_io first: it imports the learning libraries once, under its import lock (see its docstring)
from customer_activation.io.model_io import model_settings, to_frame

# isort: split
from customer_activation.campaigns.steps import segment_effects


def model(dbt, session):
    dbt.config(materialized="table")
    settings = model_settings(dbt.config.get("settings"))
    segments = to_frame(dbt.ref("campaign_customer_features"), "feature_context = 'contact'",
                        ["campaign_id", "customer_id", "rfm_segment", "lifecycle_stage"])
    return segment_effects(
        to_frame(dbt.ref("campaign_contact_outcomes")), segments,
        confidence=settings["campaign_confidence"],
        min_n=settings["campaign_segment_min_n"])
