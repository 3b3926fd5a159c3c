"""The pilot gate per observed campaign: the pilot's observed treatment response rate (Wilson
interval) against the mean predicted response of the same customers; pass / fail /
insufficient_sample or why there is no decision, the pilot's incremental effect, and a
recommended pilot size (customer_activation.campaigns.steps.gates.pilot_gates)."""
# model_io first: it imports the learning libraries once, under its import lock (see its docstring)
from customer_activation.io.model_io import model_settings, to_frame

# isort: split
from customer_activation.campaigns.steps import pilot_gates


def model(dbt, session):
    dbt.config(materialized="table")
    settings = model_settings(dbt.config.get("settings"))
    return pilot_gates(
        to_frame(dbt.ref("campaign_contact_outcomes")),
        to_frame(dbt.ref("campaign_response_predictions")),
        to_frame(dbt.ref("campaign_definitions"), "not is_planned_only"),
        min_n=settings["campaign_gate_min_n"],
        tolerance=settings["campaign_gate_tolerance"],
        confidence=settings["campaign_confidence"],
        mde=settings["campaign_mde"],
        power=settings["campaign_power"])
