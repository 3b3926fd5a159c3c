"""Per observed campaign: response rate per arm, uplift, incremental responders, incremental
revenue, cost and ROI, each with a confidence interval
(customer_activation.campaign_models.campaign_results)."""
from customer_activation.model_io import to_frame
from customer_activation.campaign_models import campaign_results


def model(dbt, session):
    dbt.config(materialized="table")
    return campaign_results(
        to_frame(dbt.ref("campaign_contact_outcomes")),
        to_frame(dbt.ref("campaign_definitions"), "not is_planned_only"),
        confidence=float(dbt.config.get("confidence")),
        n_boot=int(dbt.config.get("n_boot")),
        random_state=int(dbt.config.get("random_seed")))
