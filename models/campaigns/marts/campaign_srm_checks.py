"""Sample-ratio-mismatch checks per observed campaign: chi-square of the arm (and, for planned
campaigns, phase) counts against the planned split, flagged at p < var campaign_srm_alpha
(customer_activation.campaigns.steps.gates.srm_checks)."""
# model_io first: it imports the learning libraries once, under its import lock (see its docstring)
from customer_activation.io.model_io import model_settings, to_frame

# isort: split
from customer_activation.campaigns.steps import srm_checks


def model(dbt, session):
    dbt.config(materialized="table")
    settings = model_settings(dbt.config.get("settings"))
    return srm_checks(
        to_frame(dbt.ref("campaign_contact_outcomes"), None, ["campaign_id", "customer_id", "arm", "phase", "experiment_id"]),
        to_frame(dbt.ref("campaign_definitions"), "not is_planned_only"),
        alpha=settings["campaign_srm_alpha"])
