"""Tests for customer_activation.campaigns.steps: the campaign loop's Python steps (SRM checks and the pilot gate).

Each step is checked against scipy/numpy on the same numbers, on synthetic campaigns with a
known effect, and on the degenerate inputs real campaign tables produce (a campaign without
contacts, an arm with no customers, a pilot without predictions, open windows).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from campaign_frames import synthetic_campaigns, synthetic_outcomes
from customer_activation.campaigns import stats as cs
from customer_activation.campaigns.steps import gates
from registry_defaults import with_registry_defaults
from scipy import stats

srm_checks = with_registry_defaults(gates.srm_checks, alpha="campaign_srm_alpha")
pilot_gates = with_registry_defaults(gates.pilot_gates, min_n="campaign_gate_min_n", tolerance="campaign_gate_tolerance", confidence="campaign_confidence", mde="campaign_mde", power="campaign_power")

# --------------------------------------------------------------------------------------
# SRM
# --------------------------------------------------------------------------------------


def test_srm_checks_match_scipy_and_flag_a_broken_split():
    outcomes = pd.DataFrame({
        "campaign_id": ["A"] * 1000 + ["B"] * 1000,
        "customer_id": [str(i) for i in range(2000)],
        "arm": ["treatment"] * 800 + ["control"] * 200 + ["treatment"] * 880 + ["control"] * 120,
        "phase": (["pilot"] * 100 + ["rollout"] * 900) * 2,
    })
    campaigns = synthetic_campaigns(pilot_share=[0.1, np.nan])
    res = srm_checks(outcomes, campaigns, alpha=0.001)
    a = res.set_index(["campaign_id", "check_name"])
    ref = stats.chisquare([880, 120], [800, 200])
    assert a.loc[("B", "arm_all"), "p_value"] == pytest.approx(ref.pvalue)
    assert a.loc[("B", "arm_all"), "chi_square"] == pytest.approx(ref.statistic)
    assert bool(a.loc[("B", "arm_all"), "is_mismatch"]) and not bool(a.loc[("A", "arm_all"), "is_mismatch"])
    assert ("A", "phase") in a.index and ("B", "phase") not in a.index  # B has no planned pilot share
    assert a.loc[("A", "phase"), "p_value"] == pytest.approx(1.0)
    assert set(res["check_name"]) == {"arm_all", "arm_pilot", "arm_rollout", "phase"}
    # while only the pilot is loaded, the phase split is not checked
    pilot_only = srm_checks(outcomes.loc[outcomes["phase"] == "pilot"], campaigns)
    assert "phase" not in set(pilot_only["check_name"])


def test_srm_campaign_without_contacts_has_a_reason():
    res = srm_checks(pd.DataFrame(columns=["campaign_id", "customer_id", "arm", "phase"]),
                        synthetic_campaigns(["A"], ["2025-01-01"]))
    assert len(res) == 1 and res["reason"].iloc[0] == "campaign has no contacts"
    assert pd.isna(res["is_mismatch"].iloc[0])


# --------------------------------------------------------------------------------------
# the pilot gate
# --------------------------------------------------------------------------------------


def _no_model(outcomes: pd.DataFrame) -> pd.DataFrame:
    return outcomes[["campaign_id", "customer_id"]].assign(model_predicted_response=np.nan,
                                                          model_status="no_prior_campaigns")


def test_gate_passes_when_the_prediction_agrees_and_fails_when_overstated():
    good, _ = synthetic_outcomes("A", 4000, 0.2, 0.05, "2025-01-01", seed=5)
    bad, _ = synthetic_outcomes("B", 4000, 0.2, 0.05, "2025-06-01", seed=6)
    bad["predicted_response"] = np.clip(bad["predicted_response"] * 3, 0, 0.99)  # the CMP04 case
    outcomes = pd.concat([good, bad], ignore_index=True)
    gate = pilot_gates(outcomes, _no_model(outcomes), synthetic_campaigns(), min_n=10).set_index("campaign_id")
    assert gate.loc["A", "gate_status"] == "pass" and pd.isna(gate.loc["A", "gate_reason"])
    assert gate.loc["B", "gate_status"] == "fail" and "outside" in gate.loc["B", "gate_reason"]
    # numbers agree with campaign_stats.pilot_gate / proportion_ci on the same customers
    pilot_t = good.loc[(good["phase"] == "pilot") & (good["arm"] == "treatment")]
    ci = cs.proportion_ci(int(pilot_t["responded"].sum()), len(pilot_t))
    assert gate.loc["A", "observed_rate"] == pytest.approx(ci["estimate"])
    assert gate.loc["A", "ci_low"] == pytest.approx(ci["ci_low"])
    assert gate.loc["A", "predicted_mean"] == pytest.approx(pilot_t["predicted_response"].mean())
    ref = stats.binomtest(int(pilot_t["responded"].sum()), len(pilot_t)).proportion_ci(method="wilson")
    assert gate.loc["A", "ci_high"] == pytest.approx(ref.high)
    # recommended size is campaign_stats.recommended_pilot_size on the pilot control rate
    assert gate.loc["A", "baseline_source"] == "pilot_control_rate"
    size = cs.recommended_pilot_size(gate.loc["A", "baseline_rate"], 0.05, treatment_share=0.8)
    assert gate.loc["A", "recommended_n_total"] == size["n_total"]
    assert gate.loc["A", "n_rollout_contacts"] == int((good["phase"] == "rollout").sum())


def test_gate_uses_the_model_where_the_prediction_is_missing():
    outcomes, _ = synthetic_outcomes("A", 2000, 0.2, 0.05, "2025-01-01", seed=7)
    truth = outcomes["predicted_response"].copy()
    outcomes.loc[outcomes.index[::2], "predicted_response"] = np.nan
    preds = outcomes[["campaign_id", "customer_id"]].assign(model_predicted_response=truth,
                                                            model_status="ok")
    gate = pilot_gates(outcomes, preds, synthetic_campaigns(["A"], ["2025-01-01"])).iloc[0]
    pilot_t = (outcomes["phase"] == "pilot") & (outcomes["arm"] == "treatment")
    assert gate["n_predicted_model"] == int((pilot_t & outcomes["predicted_response"].isna()).sum())
    assert gate["n_predicted_model"] > 0 and gate["n_without_prediction"] == 0
    assert gate["predicted_mean"] == pytest.approx(truth[pilot_t].mean())


@pytest.mark.parametrize("case, status", [
    ("no_contacts", "no_contacts"),
    ("no_pilot", "no_pilot"),
    ("open", "pilot_window_open"),
    ("no_prediction", "no_prediction"),
    ("small", "insufficient_sample"),
    ("no_control", "pass"),
])
def test_gate_statuses_say_why(case, status):
    outcomes, _ = synthetic_outcomes("A", 400, 0.3, 0.0, "2025-01-01", seed=8, pilot_share=0.5)
    if case == "no_contacts":
        outcomes = outcomes.iloc[:0]
    elif case == "no_pilot":
        outcomes["phase"] = "rollout"
    elif case == "open":
        outcomes.loc[outcomes.index[:5], "is_window_complete"] = False
        outcomes.loc[outcomes.index[:5], "phase"] = "pilot"
    elif case == "no_prediction":
        outcomes["predicted_response"] = np.nan
    elif case == "small":
        outcomes = outcomes.loc[(outcomes["phase"] == "rollout") | (outcomes.index < 12)]
    elif case == "no_control":
        outcomes["arm"] = "treatment"
    gate = pilot_gates(outcomes, _no_model(outcomes), synthetic_campaigns(["A"], ["2025-01-01"]),
                          min_n=10, tolerance=0.2).iloc[0]
    assert gate["gate_status"] == status
    if status != "pass":
        assert isinstance(gate["gate_reason"], str) and gate["gate_reason"]
    if case == "no_prediction":
        assert "no_prior_campaigns" in gate["gate_reason"]
    if case == "no_control":
        assert pd.isna(gate["effect"]) and "n = 0" in gate["gate_reason"]
