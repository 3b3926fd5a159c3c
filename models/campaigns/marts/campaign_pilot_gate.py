"""The pilot gate per observed campaign: the pilot's observed treatment response rate (Wilson
interval) against the mean predicted response of the same customers; pass / fail /
insufficient_sample or why there is no decision, the pilot's incremental effect, and a
recommended pilot size (customer_activation.campaign_models.pilot_gates)."""
from customer_activation.model_io import to_frame
from customer_activation.campaign_models import pilot_gates


def model(dbt, session):
    dbt.config(materialized="table")
    return pilot_gates(
        to_frame(dbt.ref("campaign_contact_outcomes")),
        to_frame(dbt.ref("campaign_response_predictions")),
        to_frame(dbt.ref("campaign_definitions"), "not is_planned_only"),
        min_n=int(dbt.config.get("min_n")),
        tolerance=float(dbt.config.get("tolerance")),
        confidence=float(dbt.config.get("confidence")),
        mde=float(dbt.config.get("mde")),
        power=float(dbt.config.get("power")))
