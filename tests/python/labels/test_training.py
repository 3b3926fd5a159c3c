"""train_label_models on tiny frames: the holdout protocol, baselines, challenger and run log."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from customer_activation.labels.data import LabelModelSettings
from customer_activation.labels.training import train_label_models
from customer_activation.settings import registry


def label_settings(**overrides) -> LabelModelSettings:
    """The label-model settings at the registry's defaults, with overrides by var name."""
    return LabelModelSettings.from_settings({e["name"]: e["default"] for e in registry()} | overrides)


def _data(n: int = 300, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    rng = np.random.default_rng(seed)
    frames, labels = [], []
    for role in ("backtest", "training"):
        x = rng.normal(size=(n, 3))
        ids = [f"c{i:04d}" for i in range(n)]
        frames.append(pd.DataFrame({"customer_id": ids, "feature_date_role": role,
                                    "f0": x[:, 0], "f1": x[:, 1], "f2": x[:, 2]}))
        churn = np.where(x[:, 0] + rng.normal(0, 0.5, n) > 0, "churned", "retained")
        labels.append(pd.DataFrame({"customer_id": ids, "feature_date_role": role,
                                    "target": "churn_risk", "label": churn, "label_source": "observed"}))
    return pd.concat(frames, ignore_index=True), pd.concat(labels, ignore_index=True), ["f0", "f1", "f2"]


def test_model_beats_majority_and_challenger_is_reported() -> None:
    vectors, labels, cols = _data()
    res = train_label_models(vectors, labels, cols, targets=("churn_risk",),
                             settings=label_settings(random_seed=1))
    m = res.metrics.set_index(["model", "metric"])["value"]
    assert m[("logistic_regression", "roc_auc_ovr")] > 0.8
    assert m[("majority_class", "roc_auc_ovr")] == pytest.approx(0.5)
    assert m[("logistic_regression", "log_loss")] < m[("majority_class", "log_loss")]
    assert ("gradient_boosting", "roc_auc_ovr") in m.index
    assert 0.5 < m[("gradient_boosting", "roc_auc_ovr")] <= 1.0
    assert res.runs["status"].tolist() == ["ok"]


def test_challenger_can_be_switched_off_and_results_are_deterministic() -> None:
    vectors, labels, cols = _data()
    off = train_label_models(vectors, labels, cols, targets=("churn_risk",),
                             settings=label_settings(label_model_compare_gradient_boosting=False))
    assert "gradient_boosting" not in set(off.metrics["model"])
    again = train_label_models(vectors, labels, cols, targets=("churn_risk",),
                               settings=label_settings(label_model_compare_gradient_boosting=False))
    pd.testing.assert_frame_equal(off.parameters, again.parameters, check_exact=True)


def test_metrics_are_computed_on_one_evaluation_sample_for_every_model() -> None:
    vectors, labels, cols = _data(n=2000)
    whole = train_label_models(vectors, labels, cols, targets=("churn_risk",), settings=label_settings())
    sampled = train_label_models(vectors, labels, cols, targets=("churn_risk",),
                                 settings=label_settings(label_model_max_evaluation_rows=500))
    assert set(whole.metrics["n_eval"]) == {2000}
    assert set(sampled.metrics["n_eval"]) == {500}  # every model and baseline, the same rows
    assert set(sampled.calibration.groupby("class")["n"].sum()) == {500}  # per class, by decile
    # the final model still trains on the whole holdout, so scoring does not change
    assert int(sampled.runs["n_holdout_rows"].iloc[0]) == 2000
    pd.testing.assert_frame_equal(whole.parameters, sampled.parameters, check_exact=True)
    m_whole = whole.metrics.set_index(["model", "metric"])["value"]
    m_sampled = sampled.metrics.set_index(["model", "metric"])["value"]
    assert m_sampled[("logistic_regression", "accuracy")] == pytest.approx(
        m_whole[("logistic_regression", "accuracy")], abs=0.05)
    assert m_sampled[("logistic_regression", "accuracy")] != m_whole[("logistic_regression", "accuracy")]


def test_samples_hold_at_most_the_rows_asked_for_and_every_class() -> None:
    from customer_activation.labels.data import _sample
    # three classes of 333 rows at a share of 0.5005: rounding each class (167) would give 501
    frame = pd.DataFrame({"customer_id": [f"c{i:04d}" for i in range(1001)],
                          "label": ["a"] * 333 + ["b"] * 333 + ["c"] * 333 + ["rare"] * 2})
    sample = _sample(frame, 500, random_state=0)
    assert len(sample) == 500 and sample["customer_id"].is_unique
    counts = sample["label"].value_counts()
    assert set(counts.index) == {"a", "b", "c", "rare"} and counts.max() - counts[["a", "b", "c"]].min() <= 1
    pd.testing.assert_frame_equal(sample, _sample(frame, 500, random_state=0))
    assert len(_sample(frame, 1001, random_state=0)) == 1001


def test_challenger_with_too_few_rows_gives_a_reason() -> None:
    vectors, labels, cols = _data(n=30)
    res = train_label_models(vectors, labels, cols, targets=("churn_risk",),
                             settings=label_settings(label_model_min_training_rows=50))
    gb = res.metrics[res.metrics["model"] == "gradient_boosting"]
    assert len(gb) and gb["value"].isna().all() and gb["reason"].str.contains("too few").all()


def test_quantile_codes_keep_the_order_within_the_bins_the_classifier_uses() -> None:
    from customer_activation.labels.challenger import quantile_codes, quantile_edges
    from sklearn.ensemble._hist_gradient_boosting.binning import _BinMapper

    rng = np.random.default_rng(3)
    train = np.column_stack([rng.normal(size=5000), rng.integers(0, 4, 5000).astype(float),
                             np.where(rng.random(5000) < 0.1, np.nan, rng.exponential(size=5000))])
    evaluate = np.column_stack([rng.normal(size=700) * 3, rng.integers(-1, 6, 700).astype(float),
                                np.where(rng.random(700) < 0.1, np.nan, rng.exponential(size=700))])
    edges = quantile_edges(train, max_bins=255)
    train_codes, evaluate_codes = quantile_codes(train, edges), quantile_codes(evaluate, edges)
    for j in range(train.shape[1]):
        for raw, codes in ((train[:, j], train_codes[:, j]), (evaluate[:, j], evaluate_codes[:, j])):
            assert np.array_equal(np.isnan(raw), np.isnan(codes))  # missing stays missing
            known = ~np.isnan(raw)
            order = np.argsort(raw[known], kind="stable")
            assert np.all(np.diff(codes[known][order]) >= 0)  # a monotone map of the column
        # at most 255 distinct codes: the classifier's binning takes them as they are
        assert len(np.unique(train_codes[~np.isnan(train_codes[:, j]), j])) <= 255
    # a column with 4 values keeps 4 distinct codes, in the same order
    assert len(np.unique(train_codes[:, 1])) == 4
    mapper = _BinMapper(n_bins=256).fit(train_codes)
    assert all(len(t) <= 254 for t in mapper.bin_thresholds_)


def test_a_stored_fit_is_reusable_only_on_the_same_features() -> None:
    from customer_activation.labels.training import reusable_fit

    vectors, labels, cols = _data()
    stacked = train_label_models(vectors, labels, cols, targets=("churn_risk",),
                                 settings=label_settings(label_model_compare_gradient_boosting=False)).stacked()
    assert reusable_fit(stacked, cols)
    assert not reusable_fit(stacked, cols[:2])  # a feature removed since
    assert not reusable_fit(stacked, [*cols, "f3"])  # a feature added since
    assert not reusable_fit(stacked[stacked["result_kind"] != "parameters"], cols)
    assert not reusable_fit(stacked.iloc[0:0], cols)
