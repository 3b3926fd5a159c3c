"""Simulated customers of one chunk: attributes, communities, interests, links, truth, labels."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from customer_activation.demo.catalogue import (
    ACQ,
    ACQ_P,
    AGE_LOGMULT,
    ANALYSTS,
    CAT_BASE_POP,
    CATEGORIES,
    CHURN_RISK,
    CITY_NAMES,
    CITY_P,
    CPR,
    DAY_S,
    DECLINE_DAYS,
    EPOCH,
    GENDER_LOGMULT,
    GENDER_P,
    GENDERS,
    KINDS,
    NR,
    RATE_SCALE,
    RATE_SHAPE,
    REGION_P,
    REGIONS,
    STAGES,
    TIERS,
    VALUE_TIERS,
    K,
)
from customer_activation.demo.orders import _tod
from customer_activation.demo.tables import TABLES, TRUTH_TABLES, _date_col, _float_col, _id_col, _int_col, _table, _ts_col, _vocab_col


def _draw_attributes(n, rng, T):
    """Explicit attributes and the latent purchase process of each customer."""
    gender = rng.choice(3, n, p=GENDER_P)
    age = np.clip(18 + rng.gamma(2.2, 9.0, n), 18, 88)
    region = rng.choice(NR, n, p=REGION_P)
    city = region * CPR + rng.choice(CPR, n, p=CITY_P)
    acq = rng.choice(len(ACQ), n, p=ACQ_P)
    t0 = T * rng.random(n) ** 0.75
    lam = rng.gamma(RATE_SHAPE, RATE_SCALE, n) * np.where(acq == 1, 0.8, 1.0)
    z = rng.standard_normal(n)
    dd = DECLINE_DAYS * np.exp(rng.normal(0, 0.5, n)) * np.where(acq == 3, 1.4,
                                                          np.where(acq == 5, 0.7, 1.0))
    td = t0 + rng.exponential(1.0, n) * dd
    stop_gap = rng.gamma(2.0, 60.0, n)
    tau = rng.uniform(40, 120, n)
    return acq, age, city, gender, lam, region, stop_gap, t0, tau, td, z


def _draw_communities(n, rng, t0, region, city, age, gender, z, lam, td, acq, stop_gap):
    """Communities (household, referral, group, social): members share traits."""
    target = int(round(0.30 * n))
    kmax = n // 2 + 2
    kind = rng.choice(4, kmax, p=[0.45, 0.25, 0.10, 0.20])
    size = np.select(
        [kind == 0, kind == 1, kind == 2],
        [2 + rng.choice(4, kmax, p=[0.45, 0.3, 0.17, 0.08]),
         2 + np.minimum(rng.geometric(0.35, kmax) - 1, 10),
         rng.integers(5, 31, kmax)],
        rng.integers(3, 11, kmax))
    cs = np.cumsum(size)
    n_comm = int(np.searchsorted(cs, target)) if target >= 2 else 0
    n_comm = max(0, min(n_comm, int(np.searchsorted(cs, n, side="right"))))
    kind, size = kind[:n_comm], size[:n_comm]
    n_mem = int(size.sum())
    members = rng.permutation(n)[:n_mem]
    comm_of = np.repeat(np.arange(n_comm), size)
    o = np.lexsort((t0[members], comm_of))  # members sorted by signup within community
    members = members[o]
    starts = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64)
    pos = np.arange(n_mem) - starts[comm_of]
    root = members[starts][comm_of]  # earliest signup = root / referrer
    comm_id = np.full(n, -1, np.int64)
    comm_id[members] = comm_of
    mk = kind[comm_of]
    # shared latent traits
    c_region = rng.choice(NR, n_comm, p=REGION_P)
    c_city = c_region * CPR + rng.choice(CPR, n_comm, p=CITY_P)
    c_age = np.clip(20 + rng.gamma(2.2, 8.0, n_comm), 18, 85)
    c_gender = rng.choice(2, n_comm)
    c_z = rng.standard_normal(n_comm)
    c_lam = rng.gamma(RATE_SHAPE, RATE_SCALE, n_comm)
    c_shared_churn = rng.random(n_comm) < 0.6
    c_td = t0[members[starts]] + rng.exponential(1.0, n_comm) * DECLINE_DAYS
    same_region = (mk == 0) | (rng.random(n_mem) < 0.85)
    region[members] = np.where(same_region, c_region[comm_of], region[members])
    city[members] = np.where(mk == 0, c_city[comm_of],
                             np.where(same_region & (city[members] // CPR != region[members]),
                                      region[members] * CPR + rng.choice(CPR, n_mem, p=CITY_P),
                                      city[members]))
    age_like = (mk == 2) | (mk == 3)
    age[members] = np.where(age_like, np.clip(c_age[comm_of] + rng.normal(0, 4, n_mem), 18, 88),
                            age[members])
    gmask = (mk == 2) & (rng.random(n_mem) < 0.8)
    gender[members] = np.where(gmask, c_gender[comm_of], gender[members])
    z[members] = 0.75 * c_z[comm_of] + 0.66 * z[members]
    lam[members] = np.exp(0.6 * np.log(c_lam[comm_of]) + 0.4 * np.log(lam[members]))
    shared = c_shared_churn[comm_of]
    td[members] = np.where(shared, np.maximum(t0[members] + 30,
                                              c_td[comm_of] + rng.normal(0, 20, n_mem)),
                           td[members])
    ref_child = (mk == 1) & (pos > 0) & (rng.random(n_mem) < 0.8)
    acq[members[ref_child]] = 3
    td = np.maximum(td, t0)
    ts = td + stop_gap
    return comm_id, comm_of, kind, members, n_comm, n_mem, pos, root, size, starts, td, ts


def _draw_interests(ctx, age, gender, region, n, rng, members, root, T):
    """Long-term interest weights per category, and the short-term fad."""
    ageband = np.digitize(age, [30, 45, 60])
    logit = (np.log(CAT_BASE_POP)[None, :] + GENDER_LOGMULT[gender] + AGE_LOGMULT[ageband]
             + ctx.region_tilt[region])
    g = logit + rng.gumbel(size=(n, K))
    top = np.argsort(-g, axis=1)[:, :3]
    k_strong = rng.choice([1, 2, 3], n, p=[0.3, 0.45, 0.25])
    dirw = rng.gamma(2.0, 1.0, (n, 3)) * (np.arange(3)[None, :] < k_strong[:, None])
    strong = np.zeros((n, K))
    np.put_along_axis(strong, top, dirw, axis=1)
    strong /= strong.sum(1, keepdims=True)
    back = np.exp(logit) * rng.gamma(0.5, 1.0, (n, K))
    back /= back.sum(1, keepdims=True)
    w = 0.85 * strong + 0.15 * back
    w_own = w.copy()
    w[members] = 0.65 * w_own[root] + 0.35 * w_own[members]
    cumw = np.cumsum(w, axis=1)
    cumcols = [np.ascontiguousarray(cumw[:, j]) for j in range(K - 1)]
    fad = rng.integers(0, K, n)
    recent_from = T - 120
    return cumcols, fad, recent_from, w


def _emit_links(
    emit, n_mem, pos, rng, members, comm_of, starts, size, n_comm, n, Tc, t0, sec0, cust_ids,
    kind,
):
    """Links between community members (a tree per community plus extra edges)."""
    par_pos = np.floor(rng.random(n_mem) * pos).astype(np.int64)
    tree = pos > 0
    e_child = members[tree]
    e_par = members[starts[comm_of[tree]] + par_pos[tree]]
    e_comm = comm_of[tree]
    n_extra = (size * 0.25).astype(np.int64)
    xc = np.repeat(np.arange(n_comm), n_extra)
    pa_ = rng.integers(0, size[xc]) if len(xc) else np.zeros(0, np.int64)
    pb_ = rng.integers(0, size[xc]) if len(xc) else np.zeros(0, np.int64)
    ok = pa_ != pb_
    xc, pa_, pb_ = xc[ok], pa_[ok], pb_[ok]
    hi_p, lo_p = np.maximum(pa_, pb_), np.minimum(pa_, pb_)
    e_child = np.concatenate([e_child, members[starts[xc] + hi_p]])
    e_par = np.concatenate([e_par, members[starts[xc] + lo_p]])
    e_comm = np.concatenate([e_comm, xc])
    ekey = e_child.astype(np.int64) * n + e_par
    _, first_i = np.unique(ekey, return_index=True)
    first_i = np.sort(first_i)
    e_child, e_par, e_comm = e_child[first_i], e_par[first_i], e_comm[first_i]
    nl = len(e_child)
    l_t = np.minimum(np.maximum(t0[e_child], t0[e_par]) + rng.uniform(0, 20, nl), Tc)
    l_sec = sec0 + np.floor(l_t).astype(np.int64) * DAY_S + _tod(rng, nl)
    lo_ = np.argsort(l_sec, kind="stable")
    emit("customer_links", _table(TABLES["customer_links"], {
        "customer_id": cust_ids.take(pa.array(e_child[lo_])),
        "linked_customer_id": cust_ids.take(pa.array(e_par[lo_])),
        "link_type": _vocab_col(KINDS, kind[e_comm[lo_]]),
        "linked_at": _ts_col(l_sec[lo_]),
    }))


def _emit_truth(
    ctx, comm_off, emit, T, t0, ts, td, lam, tau, cnt_c, sum_c, age, comm_id, city, cust_ids,
    gender, region, w, kind, n_comm, size,
):
    """Ground truth: stages, value tiers, interests and communities."""
    is_new = t0 > T - 60
    since = T - ts
    stage = np.where(is_new, 0, np.where(td >= T, 1, np.where(since < 90, 2,
                                                                 np.where(since <= 180, 3, 4))))
    cur = np.where(td >= T, lam, np.where(ts > T, lam * np.exp(-(T - td) / tau), 0.0))
    glob_mean = sum_c.sum() / max(cnt_c.sum(), 1)
    mov = np.where(cnt_c > 0, (sum_c + 3 * glob_mean) / (cnt_c + 3), glob_mean) / 100.0
    eas = cur * 365 * mov
    vtier = np.where(eas >= 2000, 2, np.where(eas >= 400, 1, 0))
    birth_year = (dt.date.fromordinal(EPOCH.toordinal() + ctx.end_day).year
                  - np.floor(age)).astype(np.int64)
    comm_num = comm_off + 1 + comm_id
    comm_ids_all = _id_col("K", np.maximum(comm_num, 0), 6)
    comm_mask = comm_id < 0
    emit("_truth/customer_truth", _table(TRUTH_TABLES["customer_truth"], {
        "customer_id": cust_ids,
        "true_stage": _vocab_col(STAGES, stage),
        "purchase_rate": _float_col(np.round(lam * 30, 5)),
        "community_id": pc.if_else(pa.array(comm_mask), pa.scalar(None, pa.string()),
                                   comm_ids_all),
        "current_purchase_rate": _float_col(np.round(cur * 30, 5)),
        "expected_annual_spend": _float_col(np.round(eas, 2)),
        "value_tier": _vocab_col(VALUE_TIERS, vtier),
        "true_gender": _vocab_col(GENDERS, gender),
        "true_birth_year": _int_col(birth_year),
        "true_city": _vocab_col(CITY_NAMES, city),
        "true_region": _vocab_col(REGIONS, region),
        "decline_started_at": _date_col(ctx.start_day + np.floor(np.minimum(td, T)),
                                        td >= T),
        "stopped_at": _date_col(ctx.start_day + np.floor(np.minimum(ts, T)), ts >= T),
    }))
    wi = np.nonzero(w >= 0.03)
    emit("_truth/customer_interests", _table(TRUTH_TABLES["customer_interests"], {
        "customer_id": cust_ids.take(pa.array(wi[0])),
        "category": _vocab_col(CATEGORIES, wi[1]),
        "weight": _float_col(np.round(w[wi], 4)),
    }))
    emit("_truth/communities", _table(TRUTH_TABLES["communities"], {
        "community_id": _id_col("K", comm_off + 1 + np.arange(n_comm), 6),
        "kind": _vocab_col(KINDS, kind),
        "size": _int_col(size),
    }))
    return birth_year, stage, vtier


def _draw_customers(ctx, acq, age, n, rng, lam, z, cust_ids, t0, birth_year, city, gender, region):
    """The customers table's columns, with informative missingness."""
    priv = (rng.standard_normal(n) + 0.9 * np.isin(acq, [1, 5]) + 0.6 * (age < 30)
            - 0.3 * (acq == 3))
    miss_g = priv + rng.normal(0, 0.8, n) > 1.45
    miss_b = priv + rng.normal(0, 0.8, n) > 1.35
    miss_c = priv + rng.normal(0, 0.8, n) > 1.40
    tier_score = 0.6 * z + 0.8 * (np.log(lam / RATE_SCALE) + 0.2) + rng.normal(0, 0.6, n)
    tier = np.digitize(tier_score, [-0.3, 0.8, 1.7])
    tier_null = rng.random(n) < 0.15
    email = pc.binary_join_element_wise(pc.utf8_lower(cust_ids), "@example.com", "")
    email_null = rng.random(n) < 0.08
    phone = _id_col("+1-555-", rng.integers(0, 10_000_000, n), 7)
    phone_null = rng.random(n) < 0.30
    signup_day = ctx.start_day + np.floor(t0).astype(np.int64)
    cust = {
        "customer_id": cust_ids,
        "signup_date": _date_col(signup_day),
        "birth_year": _int_col(birth_year, miss_b),
        "gender": _vocab_col(GENDERS, gender, miss_g),
        "city": _vocab_col(CITY_NAMES, city, miss_c),
        "region": _vocab_col(REGIONS, region, miss_c),
        "acquisition_channel": _vocab_col(ACQ, acq),
        "member_tier": _vocab_col(TIERS, tier, tier_null),
        "email": pc.if_else(pa.array(email_null), pa.scalar(None, pa.string()), email),
        "phone": pc.if_else(pa.array(phone_null), pa.scalar(None, pa.string()), phone),
    }
    return cust


def _emit_manual_labels(ctx, emit, n, rng, stage, vtier, cust_ids):
    """Manual labels: a noisy sample of the true labels."""
    n_lab = int(rng.binomial(n, ctx.label_rate))
    lab_c = np.sort(rng.choice(n, n_lab, replace=False)) if n_lab else np.zeros(0, np.int64)
    churn = np.array([1, 0, 1, 2, 2])[stage]
    lab_rows = []
    for name, truth, vocab, p_inc in (("churn_risk", churn, CHURN_RISK, 0.8),
                                      ("lifecycle_stage", stage, STAGES, 0.9),
                                      ("value_tier", vtier, VALUE_TIERS, 0.6)):
        inc = lab_c[rng.random(n_lab) < p_inc]
        val = truth[inc].copy()
        noisy = rng.random(len(inc)) < 0.12
        val[noisy] = rng.integers(0, len(vocab), int(noisy.sum()))
        lab_rows.append((inc, np.full(len(inc), name), np.array(vocab, dtype=object)[val]))
    l_c = np.concatenate([r[0] for r in lab_rows]).astype(np.int64)
    l_sec = (ctx.end_day + 1) * DAY_S - rng.integers(3600, 60 * DAY_S, len(l_c))
    lo2 = np.lexsort((l_sec, l_c))
    emit("manual_labels", _table(TABLES["manual_labels"], {
        "customer_id": cust_ids.take(pa.array(l_c[lo2])),
        "label_name": pa.array(np.concatenate([r[1] for r in lab_rows])[lo2].tolist(), pa.string()),
        "label_value": pa.array(np.concatenate([r[2] for r in lab_rows])[lo2].tolist(),
                                pa.string()),
        "labeled_at": _ts_col(l_sec[lo2]),
        "labeled_by": _vocab_col(ANALYSTS, rng.integers(0, len(ANALYSTS), len(l_c))),
    }))
