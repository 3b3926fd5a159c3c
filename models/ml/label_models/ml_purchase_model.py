"""The probabilistic purchase model (BG/NBD for repeat purchases, Gamma-Gamma for spend), fitted
at the scoring, the training and the backtest date, each on that date's purchase history only, and scored
for every customer with a completed order. A thin wrapper around
customer_activation.labels.purchase_model.purchase_model_outputs; the SQL models
ml_customer_purchase_scores and ml_purchase_model_parameters split it by result_kind."""
# model_io first: it imports the learning libraries once, under its import lock (see its docstring)
from customer_activation.io.model_io import model_settings, to_frame

# isort: split
from customer_activation.labels.purchase_model import (
    INPUT_COLUMNS,
    PurchaseModelSettings,
    purchase_model_outputs,
)


def model(dbt, session):
    dbt.config(materialized="table")
    build = model_settings(dbt.config.get("settings"))
    history = to_frame(dbt.ref("int_customer_purchase_history"),
                       "feature_date_role in ('scoring', 'training', 'backtest') and n_order_days > 0", INPUT_COLUMNS)
    return purchase_model_outputs(history, PurchaseModelSettings.from_settings(build))
