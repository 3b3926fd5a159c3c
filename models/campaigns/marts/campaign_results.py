"""Per observed campaign: the primary outcome per arm (seed campaign_outcome_definitions), uplift, incremental responders, incremental
revenue, cost and ROI, each with a confidence interval
(customer_activation.campaigns.steps.results.campaign_results)."""
# model_io first: it imports the learning libraries once, under its import lock (see its docstring)
from customer_activation.io.model_io import model_settings, to_frame

# isort: split
from customer_activation.campaigns.steps import campaign_results


def model(dbt, session):
    dbt.config(materialized="table")
    settings = model_settings(dbt.config.get("settings"))
    return campaign_results(
        to_frame(dbt.ref("campaign_contact_outcomes")),
        to_frame(dbt.ref("campaign_definitions"), "not is_planned_only"),
        confidence=settings["campaign_confidence"],
        n_boot=settings["campaign_n_boot"],
        random_state=settings["random_seed"],
        power=settings["campaign_power"])
