"""n, mean, Q1, median, Q3 (and the same among non-zero values) per campaign x arm x metric x
period of the before/after metrics (customer_activation.campaigns.steps.effects.metric_quartiles)."""
# model_io first: it imports the learning libraries once, under its import lock (see its docstring)
from customer_activation.io.model_io import to_frame

# isort: split
from customer_activation.campaigns.steps import metric_quartiles


def model(dbt, session):
    dbt.config(materialized="table")
    return metric_quartiles(to_frame(dbt.ref("campaign_customer_metrics")))
