"""Label model: determinism, degenerate cases, SQL-equivalent scoring parameters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from customer_activation.labels import classifier
from customer_activation.labels.classifier import (
    INTERCEPT,
    manual_label_weights,
    predict_frame,
    sanitize_class_names,
)
from customer_activation.labels.parameters import coefficients_frame, score_from_parameters, scoring_parameters
from customer_activation.labels.pipeline import build_pipeline
from registry_defaults import with_registry_defaults

fit_label_model = with_registry_defaults(classifier.fit_label_model, C="label_model_regularisation_c", random_state="random_seed",
                                         min_rows="label_model_min_training_rows")


def _data(n: int = 120, classes: tuple[str, ...] = ("At Risk", "active", "lost"), seed: int = 0):
    rng = np.random.default_rng(seed)
    y = rng.choice(list(classes), size=n)
    codes = pd.Series(y).map({c: i for i, c in enumerate(classes)}).to_numpy()
    X = pd.DataFrame(
        {
            "recency_days": codes * 30 + rng.normal(0, 10, n),
            "frequency": 5 - codes + rng.normal(0, 1, n),
            "monetary": rng.lognormal(3, 1, n),
            "constant": np.ones(n),
        }
    )
    X.loc[::7, "monetary"] = np.nan  # exercised by the median imputer
    return X, pd.Series(y, name="churn_risk")


def test_pipeline_steps() -> None:
    steps = [name for name, _ in build_pipeline(C=1.0, random_state=0, max_iter=1000).steps]
    assert steps == ["imputer", "scaler", "model"]


def test_fit_is_deterministic_and_versioned() -> None:
    X, y = _data()
    m1 = fit_label_model(X, y, target="churn_risk")
    m2 = fit_label_model(X, y, target="churn_risk")
    assert m1.status == "ok"
    assert m1.version == m2.version and len(m1.version) == 12
    np.testing.assert_array_equal(m1.predict_proba(X), m2.predict_proba(X))
    assert fit_label_model(X, y, target="other").version != m1.version
    assert fit_label_model(X, y, C=0.5, target="churn_risk").version != m1.version
    y2 = y.copy()
    y2.iloc[0] = "lost" if y.iloc[0] != "lost" else "active"
    assert fit_label_model(X, y2, target="churn_risk").version != m1.version


def test_predict_frame_columns() -> None:
    X, y = _data()
    model = fit_label_model(X, y)
    ids = [f"c{i}" for i in range(len(X))]
    out = predict_frame(model, X, ids)
    assert list(out.columns) == [
        "customer_id", "predicted_class", "probability",
        "p_at_risk", "p_active", "p_lost", "model_version",
    ]
    p = out[["p_at_risk", "p_active", "p_lost"]].to_numpy()
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_allclose(out["probability"], p.max(axis=1))
    assert (out["predicted_class"] == np.array(model.classes, dtype=object)[p.argmax(axis=1)]).all()
    assert (out["model_version"] == model.version).all()
    # the model learnt something on this separable data
    assert (out["predicted_class"] == y.to_numpy()).mean() > 0.8


def test_missing_labels_are_dropped() -> None:
    X, y = _data()
    y = y.astype(object)
    y.iloc[:10] = None
    model = fit_label_model(X, y)
    assert model.n_train == len(X) - 10


def test_single_class() -> None:
    X, _ = _data()
    model = fit_label_model(X, pd.Series(["active"] * len(X)))
    assert model.status == "single_class" and "active" in model.reason
    out = predict_frame(model, X, range(len(X)))
    assert (out["predicted_class"] == "active").all()
    assert (out["probability"] == 1.0).all()
    np.testing.assert_allclose(score_from_parameters(scoring_parameters(model), X), 1.0)


def test_too_few_rows_predicts_class_shares() -> None:
    X, y = _data(n=10)
    model = fit_label_model(X, y, min_rows=50)
    assert model.status == "too_few_rows"
    proba = model.predict_proba(X)
    shares = y.value_counts(normalize=True).reindex(model.classes).to_numpy()
    np.testing.assert_allclose(proba[0], shares)
    np.testing.assert_allclose(score_from_parameters(scoring_parameters(model), X), proba)
    assert coefficients_frame(model)["abs_rank"].isna().all()


def test_no_labelled_rows() -> None:
    X, _ = _data(n=5)
    model = fit_label_model(X, pd.Series([None] * 5))
    assert model.status == "too_few_rows" and model.classes == []
    out = predict_frame(model, X, range(5))
    assert out["predicted_class"].isna().all()


@pytest.mark.parametrize("classes", [("At Risk", "active", "lost"), ("no", "yes")])
def test_score_from_parameters_equals_predict_proba(classes: tuple[str, ...]) -> None:
    X, y = _data(classes=classes)
    model = fit_label_model(X, y, sample_weight=np.linspace(0.5, 2.0, len(X)))
    params = scoring_parameters(model)
    assert len(params) == len(classes) * X.shape[1]
    X_new = X.copy()
    X_new.iloc[::5, 0] = np.nan
    expected = model.pipeline.predict_proba(X_new.to_numpy(dtype=float))
    got = score_from_parameters(params, X_new)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)


def test_binary_parameters_store_reference_class_as_zero() -> None:
    X, y = _data(classes=("no", "yes"))
    model = fit_label_model(X, y)
    params = scoring_parameters(model)
    ref = params[params["class"] == "no"]
    assert (ref["coefficient"] == 0).all() and (ref["intercept"] == 0).all()
    lr = model.pipeline.named_steps["model"]
    pos = params[params["class"] == "yes"].sort_values("feature_index")
    np.testing.assert_array_equal(pos["coefficient"].to_numpy(), lr.coef_[0])


def test_coefficients_frame() -> None:
    X, y = _data()
    model = fit_label_model(X, y)
    coefs = coefficients_frame(model)
    assert list(coefs.columns) == ["model_version", "class", "feature", "coefficient", "abs_rank"]
    assert len(coefs) == 3 * (X.shape[1] + 1)
    intercepts = coefs[coefs["feature"] == INTERCEPT]
    assert len(intercepts) == 3 and intercepts["abs_rank"].isna().all()
    for _, g in coefs[coefs["feature"] != INTERCEPT].groupby("class"):
        g = g.sort_values("abs_rank")
        assert g["abs_rank"].tolist() == [1, 2, 3, 4]
        assert g["coefficient"].abs().is_monotonic_decreasing


def test_sanitize_class_names() -> None:
    assert sanitize_class_names(["High Value", "high-value", "", "3 stars"]) == [
        "high_value", "high_value_2", "class", "3_stars",
    ]


def test_manual_label_weights() -> None:
    rule = pd.DataFrame(
        {"customer_id": ["a", "b", "c"], "label_name": "churn_risk", "label_value": ["high", "low", "low"]}
    )
    observed = pd.DataFrame({"customer_id": ["c"], "label_name": "churn_risk", "label_value": ["high"]})
    manual = pd.DataFrame(
        {
            "customer_id": ["a", "a", "d"],
            "label_name": "churn_risk",
            "label_value": ["medium", "low", None],
            "labeled_at": ["2024-01-01", "2024-02-01", "2024-01-01"],
            "labeled_by": ["x", "y", "x"],
        }
    )
    out = manual_label_weights(rule, manual, observed, manual_weight=3.0)
    assert list(out.columns) == ["customer_id", "label_name", "label_value", "sample_weight", "label_source"]
    got = out.set_index("customer_id")
    assert got.loc["a", "label_value"] == "low"  # latest manual label wins over rule
    assert got.loc["a", "label_source"] == "manual" and got.loc["a", "sample_weight"] == 3.0
    assert got.loc["b", "label_source"] == "rule" and got.loc["b", "sample_weight"] == 1.0
    assert got.loc["c", "label_source"] == "observed" and got.loc["c", "label_value"] == "high"
    assert "d" not in got.index  # a null manual value is not a label
    assert manual_label_weights(None, manual_weight=3.0).empty


@pytest.mark.parametrize("classes", [("At Risk", "active", "lost"), ("no", "yes")])
def test_sql_formula_in_duckdb_equals_predict_proba(classes: tuple[str, ...]) -> None:
    duckdb = pytest.importorskip("duckdb")
    X, y = _data(classes=classes)
    model = fit_label_model(X, y)
    params = scoring_parameters(model)
    X_long = X.assign(customer_id=range(len(X))).melt(
        id_vars="customer_id", var_name="feature", value_name="x"
    )
    con = duckdb.connect()
    con.register("params", params)
    con.register("features_long", X_long)
    scored = con.execute(
        """
        with eta as (
            select f.customer_id, p.class_index,
                   max(p.intercept)
                   + sum(p.coefficient * (coalesce(f.x, p.median) - p.mean) / p.scale) as eta
            from features_long f
            join params p on p.feature = f.feature
            group by f.customer_id, p.class_index
        ),
        shifted as (
            select customer_id, class_index,
                   exp(eta - max(eta) over (partition by customer_id)) as e
            from eta
        )
        select customer_id, class_index,
               e / sum(e) over (partition by customer_id) as p
        from shifted
        order by customer_id, class_index
        """
    ).df()
    got = scored["p"].to_numpy().reshape(len(X), len(classes))
    expected = model.predict_proba(X)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-9)
