"""Metrics match hand-computed values on tiny examples."""

from __future__ import annotations

import math

import numpy as np
import pytest
from customer_activation.labels.metrics import (
    calibration_table,
    label_metrics,
    metrics_frame,
    multiclass_metrics,
    one_hot,
    prior_proba,
    ranking_auc,
)

CLASSES = ["a", "b", "c"]
Y = ["a", "b", "c", "a"]
P = np.array(
    [
        [0.7, 0.2, 0.1],
        [0.1, 0.8, 0.1],
        [0.2, 0.5, 0.3],  # wrong: predicts b
        [0.6, 0.3, 0.1],
    ]
)


def test_multiclass_metrics_by_hand() -> None:
    m = multiclass_metrics(Y, P, CLASSES)
    assert m["n"] == 4
    assert m["accuracy"] == pytest.approx(0.75)
    # per-class F1: a = 1, b: precision 1/2 recall 1 -> 2/3, c: 0
    assert m["macro_f1"] == pytest.approx((1 + 2 / 3 + 0) / 3)
    expected_ll = -(math.log(0.7) + math.log(0.8) + math.log(0.3) + math.log(0.6)) / 4
    assert m["log_loss"] == pytest.approx(expected_ll)
    brier_rows = [
        0.3**2 + 0.2**2 + 0.1**2,
        0.1**2 + 0.2**2 + 0.1**2,
        0.2**2 + 0.5**2 + 0.7**2,
        0.4**2 + 0.3**2 + 0.1**2,
    ]
    assert m["brier"] == pytest.approx(sum(brier_rows) / 4)
    # one-vs-rest AUCs: a -> 1.0; b: positive 0.8 vs negatives 0.2,0.5,0.3 -> 1.0;
    # c: positive 0.3 vs 0.1,0.1,0.1 -> 1.0
    assert m["roc_auc_ovr"] == pytest.approx(1.0)
    assert m["roc_auc_note"] is None
    assert m["class_balance"] == {"a": 0.5, "b": 0.25, "c": 0.25}
    assert m["majority_share"] == 0.5


def test_auc_nan_with_reason_when_class_absent() -> None:
    m = multiclass_metrics(["a", "b", "a"], P[:3], CLASSES)
    assert math.isnan(m["roc_auc_ovr"])
    assert "absent" in m["roc_auc_note"]
    assert not math.isnan(m["log_loss"])


def test_binary_auc_and_brier() -> None:
    y = [0, 1, 1, 0]
    p1 = np.array([0.2, 0.6, 0.4, 0.5])
    m = multiclass_metrics(y, np.column_stack([1 - p1, p1]), [0, 1])
    # pairs (pos, neg): (0.6,0.2) (0.6,0.5) (0.4,0.2) (0.4,0.5) -> 3 of 4
    assert m["roc_auc_ovr"] == pytest.approx(0.75)
    # multi-class Brier is twice the binary one
    assert m["brier"] == pytest.approx(2 * np.mean((p1 - np.array(y)) ** 2))


def test_unknown_label_raises() -> None:
    with pytest.raises(ValueError, match="not in classes"):
        multiclass_metrics(["z"], np.array([[1.0, 0, 0]]), CLASSES)


def test_label_metrics_smoothed_one_hot() -> None:
    m = label_metrics(["a", "b"], ["a", "a"], ["a", "b"], smoothing=0.1)
    assert m["accuracy"] == 0.5
    # predicted class gets 0.95, the other 0.05
    assert m["log_loss"] == pytest.approx(-(math.log(0.95) + math.log(0.05)) / 2)
    assert m["roc_auc_ovr"] == pytest.approx(0.5)
    assert m["smoothing"] == 0.1


def test_prior_proba_is_majority_baseline() -> None:
    p = prior_proba(["a", "a", "b", "c"], CLASSES, 2)
    assert p.shape == (2, 3)
    np.testing.assert_allclose(p[0], [0.5, 0.25, 0.25])


def test_calibration_table_equal_count_bins() -> None:
    y = ["a", "b"] * 5
    p_a = np.linspace(0.05, 0.95, 10)
    proba = np.column_stack([p_a, 1 - p_a])
    t = calibration_table(y, proba, ["a", "b"], n_bins=5)
    assert list(t.columns) == ["class", "bin", "n", "p_min", "p_max", "mean_predicted", "observed_rate"]
    a = t[t["class"] == "a"]
    assert a["bin"].tolist() == [1, 2, 3, 4, 5]
    assert (a["n"] == 2).all()
    assert a["mean_predicted"].iloc[0] == pytest.approx((0.05 + 0.15) / 2)
    assert (a["observed_rate"] == 0.5).all()
    assert calibration_table(y, proba, ["a", "b"]).equals(calibration_table(y, proba, ["a", "b"]))


def test_ranking_auc() -> None:
    assert ranking_auc([0, 0, 1, 1], [1, 2, 3, 4]) == 1.0
    assert ranking_auc([1, 0, 1, 0], [1, 2, 3, None]) == pytest.approx(0.5)
    assert math.isnan(ranking_auc([1, 1], [1, 2]))


def test_one_hot_and_metrics_frame() -> None:
    np.testing.assert_array_equal(one_hot(["b", "a"], ["a", "b"]), [[0, 1], [1, 0]])
    f = metrics_frame(multiclass_metrics(Y, P, CLASSES), model="m")
    assert list(f.columns) == ["model", "metric", "value", "note"]
    assert "class_balance:a" in f["metric"].tolist()
