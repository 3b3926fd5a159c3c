"""Simulated purchases and browsing of one chunk: organic orders, campaign contacts and extra orders, items, responses, events.

The latent purchase intensity is ``lam`` on ``[t0, td)``, ``lam * exp(-(t - td) / tau)`` on
``[td, ts)`` and 0 after (:func:`_cum` is its integral, :func:`_inv` the inverse).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from customer_activation.demo.bad_rows import _bad_items, _bad_orders
from customer_activation.demo.catalogue import (
    ARMS,
    CAMPAIGNS,
    CATEGORIES,
    DAY_S,
    DISAGREE_CAMPAIGN,
    EVENT_TYPES,
    HOUR_P,
    ORDER_CHANNELS,
    PHASES,
    REGION_CHANNEL_ALPHA,
    STATUSES,
    K,
)
from customer_activation.demo.tables import TABLES, _float_col, _id_col, _int_col, _money_col, _table, _ts_col, _vocab_col


# --------------------------------------------------------------------------------------
# Latent purchase intensity: lam on [t0, td), lam*exp(-(t-td)/tau) on [td, ts), 0 after
# --------------------------------------------------------------------------------------
def _cum(t, t0, td, ts, lam, tau):
    a = np.clip(t, t0, td) - t0
    x = np.clip(t, td, ts) - td
    return lam * a + lam * tau * (-np.expm1(-x / tau))


def _inv(u, t0, td, lam, tau):
    A = lam * (td - t0)
    v = np.minimum((u - A) / (lam * tau), 1 - 1e-12)
    with np.errstate(invalid="ignore"):
        t_decl = td - tau * np.log1p(-np.maximum(v, 0))
    return np.where(u < A, t0 + u / np.maximum(lam, 1e-300), t_decl)


def _tod(rng, m):
    return rng.choice(24, m, p=HOUR_P) * 3600 + rng.integers(0, 3600, m)


def _sample_cats(rng, cumcols, cidx, t, fad, p_noise, p_fad, recent_from):
    m = len(cidx)
    u = rng.random(m)
    cat = np.zeros(m, np.int64)
    for col in cumcols:
        cat += u > col[cidx]
    r = rng.random(m)
    noise = r < p_noise
    cat[noise] = rng.integers(0, K, int(noise.sum()))
    fs = (~noise) & (t >= recent_from) & (r < p_noise + p_fad)
    cat[fs] = fad[cidx[fs]]
    return cat


def _pick_products(rng, ctx, cat, zc):
    q = 1.0 / (1.0 + np.exp(-(0.9 * zc + rng.normal(0, 0.9, len(cat)))))
    cnt = ctx.cat_count[cat]
    rank = np.minimum((q * cnt).astype(np.int64), cnt - 1)
    return ctx.cat_start[cat] + rank


def _draw_organic_orders(Tc, td, ts, lam, t0, tau, rng, n, sec0):
    """Organic orders: a Poisson process plus a first purchase at signup."""
    tdc, tsc = np.minimum(td, Tc), np.minimum(ts, Tc)
    Lam = _cum(Tc, t0, tdc, tsc, lam, tau)
    N = rng.poisson(Lam)
    oc = np.repeat(np.arange(n), N)
    u = rng.random(len(oc)) * Lam[oc]
    ot = _inv(u, t0[oc], tdc[oc], lam[oc], tau[oc])
    ot = np.clip(ot, t0[oc], Tc)
    first = rng.random(n) < 0.85
    fc = np.nonzero(first)[0]
    ft = np.minimum(t0[fc] + rng.exponential(0.3, len(fc)), Tc)
    oc = np.concatenate([oc, fc])
    ot = np.concatenate([ot, ft])
    n_org = len(oc)
    osec = sec0 + np.floor(ot).astype(np.int64) * DAY_S + _tod(rng, n_org)
    return Lam, n_org, oc, osec, ot, tdc, tsc


def _draw_campaign_contacts(ctx, t0, lam, n, rng, tau, td, tdc, ts, tsc, sec0, oc, ot, osec, n_org, region):
    """Campaign contacts, treatment and the potential extra (campaign) orders."""
    signed_at = t0
    c_parts = []
    for j, (_cid, _nm, obj, _ch, _off, W, delta, _cpc, _fc, frac) in enumerate(CAMPAIGNS):
        s = ctx.camp_start[j]
        signed = signed_at < s - 60
        if j == DISAGREE_CAMPAIGN:  # lapsed customers only: organic response ~0
            elig = signed & (ts <= s) & (s - ts < 270)
        elif obj == "winback":
            elig = signed & (td <= s) & (s - ts < 270)
        elif obj == "retention":
            elig = signed & (td > s)
        else:
            elig = signed & (td > s) & (lam > 1 / 25)
        sel = np.nonzero(elig & (rng.random(n) < frac))[0]
        m = len(sel)
        pilot = rng.random(m) < 0.12
        treat = rng.random(m) < 0.80
        a = s + np.where(pilot, rng.uniform(0, 2, m), 7 + rng.uniform(0, 7, m))
        Lw = (_cum(a + W, t0[sel], tdc[sel], tsc[sel], lam[sel], tau[sel])
              - _cum(a, t0[sel], tdc[sel], tsc[sel], lam[sel], tau[sel]))
        p0 = -np.expm1(-0.9 * Lw)  # 90% of organic orders are completed
        e = np.clip(delta / np.maximum(1 - p0, 1e-9), 0, 1)
        pt = p0 + (1 - p0) * e
        pred = np.clip(pt * np.exp(rng.normal(-0.045, 0.3, m)), 0.001, 0.99)
        if j == DISAGREE_CAMPAIGN:
            pred = np.clip(pred * 3.0, 0.001, 0.99)
        pred = np.round(pred, 4)
        pred_null = rng.random(m) < 0.02
        success = rng.random(m) < e
        dt_extra = np.minimum(rng.exponential(W / 4, m), W * 0.98)
        c_parts.append(dict(camp=np.full(m, j), cust=sel, pilot=pilot, treat=treat, a=a,
                            p0=p0, e=e, pt=pt, pred=pred, pred_null=pred_null,
                            real=treat & success, dt=dt_extra,
                            W=np.full(m, W)))
    C = {k: np.concatenate([p[k] for p in c_parts]) for k in c_parts[0]}
    nC = len(C["cust"])
    a_sec = sec0 + np.floor(C["a"] * DAY_S).astype(np.int64)
    x_sec = a_sec + np.floor(C["dt"] * DAY_S).astype(np.int64) + 60

    # all candidate orders: organic then potential campaign orders
    oc = np.concatenate([oc, C["cust"]])
    ot = np.concatenate([ot, C["a"] + C["dt"]])
    osec = np.concatenate([osec, x_sec])
    is_x = np.zeros(len(oc), bool)
    is_x[n_org:] = True
    no = len(oc)
    status = np.concatenate([rng.choice(3, n_org, p=[0.9, 0.05, 0.05]), np.zeros(nC, np.int64)])
    ch_g = rng.gamma(REGION_CHANNEL_ALPHA[region], 1.0)
    ch_cum = np.cumsum(ch_g / ch_g.sum(1, keepdims=True), axis=1)
    uu = rng.random(no)
    ochan = (uu > ch_cum[oc, 0]).astype(np.int64) + (uu > ch_cum[oc, 1])
    ochan_null = rng.random(no) < 0.03
    return C, a_sec, is_x, nC, no, oc, ochan, ochan_null, osec, ot, status


def _draw_items(
    ctx, order_off, no, rng, oc, cumcols, fad, ot, recent_from, z, is_x, n_org, C, osec, status,
    ochan, ochan_null,
):
    """Order lines and amounts; the campaign truth accumulators; orders kept, sorted by time."""
    n_items = 1 + np.minimum(rng.poisson(1.0, no), 7)
    io = np.repeat(np.arange(no), n_items)
    ic = oc[io]
    icat = _sample_cats(rng, cumcols, ic, ot[io], fad, 0.07, 0.30, recent_from)
    iprod = _pick_products(rng, ctx, icat, z[ic])
    ni = len(io)
    qty = rng.choice(5, ni, p=[0.78, 0.15, 0.05, 0.015, 0.005]) + 1
    promo = rng.random(ni) < 0.3
    price = ctx.prod_price[iprod].astype(np.float64)
    price = np.where(promo, np.maximum(50, np.round(price * np.exp(rng.normal(-0.03, 0.08, ni)))),
                     price).astype(np.int64)
    # one line per product within an order: a product drawn twice for the same order becomes
    # one line with the summed quantity at the first draw's price (real shops merge such lines;
    # exact copies of a line are what staging rejects as duplicate_row)
    line_key = io.astype(np.int64) * (int(iprod.max()) + 1 if ni else 1) + iprod
    _, first_line = np.unique(line_key, return_index=True)
    if len(first_line) < ni:
        first_line = np.sort(first_line)
        group = np.searchsorted(line_key[first_line], line_key, sorter=np.argsort(line_key[first_line]))
        group = np.argsort(line_key[first_line])[group]
        qty = np.bincount(group, weights=qty, minlength=len(first_line)).astype(np.int64)
        io, ic, icat, iprod, price = io[first_line], ic[first_line], icat[first_line], iprod[first_line], price[first_line]
        ni = len(io)
    gross = np.rint(np.bincount(io, weights=(qty * price).astype(np.float64), minlength=no)
                    ).astype(np.int64)
    has_disc = rng.random(no) < np.where(is_x, 0.6, 0.28)
    disc = np.where(has_disc, np.rint(gross * rng.uniform(0.05, 0.25, no)), 0).astype(np.int64)
    amount = gross - disc

    # campaign truth accumulators (expected values over all contacts, both arms)
    xv = amount[n_org:]
    camp_stats = np.zeros((len(CAMPAIGNS), 8))
    for j in range(len(CAMPAIGNS)):
        mm = C["camp"] == j
        pm = mm & C["pilot"]
        camp_stats[j] = [mm.sum(), ((1 - C["p0"]) * C["e"])[mm].sum(),
                         (C["e"] * xv)[mm].sum() / 100.0, C["p0"][mm].sum(), C["pt"][mm].sum(),
                         C["pred"][pm & ~C["pred_null"]].sum(), (pm & ~C["pred_null"]).sum(),
                         C["pt"][pm].sum()]
    pilot_counts = np.array([(C["pilot"] & (C["camp"] == j)).sum() for j in range(len(CAMPAIGNS))])

    # keep organic + realised campaign orders, sort by time
    keep = np.ones(no, bool)
    keep[n_org:] = C["real"]
    kidx = np.nonzero(keep)[0]
    kidx = kidx[np.argsort(osec[kidx], kind="stable")]
    new_of = np.full(no, -1, np.int64)
    new_of[kidx] = np.arange(len(kidx))
    nk = len(kidx)
    o_cust, o_sec, o_amt, o_disc = oc[kidx], osec[kidx], amount[kidx], disc[kidx]
    o_hasd, o_stat = has_disc[kidx], status[kidx]
    o_chan, o_chan_null = ochan[kidx], ochan_null[kidx]
    ikeep = keep[io]
    i_new = new_of[io[ikeep]]
    iord = np.argsort(i_new, kind="stable")
    i_order = i_new[iord]
    i_prod = iprod[ikeep][iord]
    i_qty = qty[ikeep][iord]
    i_price = price[ikeep][iord]
    order_nums = order_off + 1 + np.arange(nk)
    order_ids = _id_col("O", order_nums, 9)
    return camp_stats, i_order, i_price, i_prod, i_qty, nk, o_amt, o_chan, o_chan_null, o_cust, o_disc, o_hasd, o_sec, o_stat, order_ids, pilot_counts


def _emit_orders_and_responses(
    ctx, order_off, emit, o_stat, o_sec, sec0, o_cust, o_amt, C, a_sec, cust_ids, o_chan,
    o_chan_null, o_disc, o_hasd, order_ids, i_order, i_price, i_prod, i_qty, nk, rng, n,
):
    """Campaign contacts and responses (completed orders inside the window), orders, items."""
    comp = o_stat == 0
    rel = o_sec - sec0
    key = o_cust[comp].astype(np.int64) * (1 << 28) + rel[comp]
    ko = np.argsort(key, kind="stable")
    key_s = key[ko]
    amt_s = o_amt[comp][ko]
    sec_s = o_sec[comp][ko]
    csum = np.concatenate([[0], np.cumsum(amt_s)])
    ck = C["cust"].astype(np.int64) * (1 << 28)
    lo_i = np.searchsorted(key_s, ck + (a_sec - sec0), side="left")
    hi_i = np.searchsorted(key_s, ck + (a_sec - sec0) + C["W"] * DAY_S, side="right")
    responded = hi_i > lo_i
    r_idx = np.nonzero(responded)[0]
    camp_ids = pa.array([c[0] for c in CAMPAIGNS])

    emit("campaign_contacts", _table(TABLES["campaign_contacts"], {
        "campaign_id": _vocab_col(camp_ids, C["camp"]),
        "customer_id": cust_ids.take(pa.array(C["cust"])),
        "arm": _vocab_col(ARMS, np.where(C["treat"], 0, 1)),
        "phase": _vocab_col(PHASES, np.where(C["pilot"], 0, 1)),
        "contacted_at": _ts_col(a_sec),
        "predicted_response": _float_col(C["pred"], C["pred_null"]),
    }))
    emit("campaign_responses", _table(TABLES["campaign_responses"], {
        "campaign_id": _vocab_col(camp_ids, C["camp"][r_idx]),
        "customer_id": cust_ids.take(pa.array(C["cust"][r_idx])),
        "responded_at": _ts_col(sec_s[lo_i[r_idx]]),
        "response_type": _vocab_col(["purchase"], np.zeros(len(r_idx), np.int64)),
        "revenue": _money_col(csum[hi_i[r_idx]] - csum[lo_i[r_idx]]),
    }))

    orders = {
        "order_id": order_ids,
        "customer_id": cust_ids.take(pa.array(o_cust)),
        "order_ts": _ts_col(o_sec),
        "order_amount": _money_col(o_amt),
        "discount_amount": _money_col(o_disc, ~o_hasd),
        "status": _vocab_col(STATUSES, o_stat),
        "channel": _vocab_col(ORDER_CHANNELS, o_chan, o_chan_null),
    }
    items = {
        "order_id": order_ids.take(pa.array(i_order)),
        "product_id": ctx.prod_ids.take(pa.array(i_prod)),
        "quantity": _int_col(i_qty),
        "unit_price": _money_col(i_price),
    }
    orders = _table(TABLES["orders"], orders)
    items = _table(TABLES["order_items"], items)
    n_ids = nk
    bad = {}
    if ctx.bad_rows:
        orders, n_ids = _bad_orders(ctx, rng, orders, bad, nk, order_off)
        items = _bad_items(ctx, rng, items, bad)
    emit("orders", orders)
    emit("order_items", items)
    # personal mean order value (for the value truth); the big arrays go with this frame
    cnt_c = np.bincount(o_cust[comp], minlength=n)
    sum_c = np.bincount(o_cust[comp], weights=o_amt[comp].astype(float), minlength=n)
    return bad, cnt_c, n_ids, sum_c


def _emit_events(
    ctx, emit, Lam, rng, n, Tc, lam, t0, tau, tdc, ts, tsc, C, nC, sec0, cumcols, fad,
    recent_from, z, cust_ids,
):
    """Events: browsing along the purchase process, logins after stopping, coupon claims."""
    Ne = rng.poisson(2.05 * Lam)
    ec = np.repeat(np.arange(n), Ne)
    eu = rng.random(len(ec)) * Lam[ec]
    et = np.clip(_inv(eu, t0[ec], tdc[ec], lam[ec], tau[ec]), t0[ec], Tc)
    etype = rng.choice(4, len(ec), p=[0.62, 0.20, 0.10, 0.08])
    stopped_n = ts < Tc
    Nl = rng.poisson(np.where(stopped_n, 0.8 * (Tc - tsc) / 365, 0))
    lc = np.repeat(np.arange(n), Nl)
    lt = tsc[lc] + rng.random(len(lc)) * (Tc - tsc[lc])
    cc = np.nonzero(C["treat"] & (rng.random(nC) < 0.25))[0]
    ct = C["a"][cc] + rng.uniform(0.01, 3, len(cc))
    ec = np.concatenate([ec, lc, C["cust"][cc]])
    et = np.concatenate([et, lt, ct])
    etype = np.concatenate([etype, np.full(len(lc), 3), np.full(len(cc), 4)])
    ne = len(ec)
    esec = sec0 + np.floor(et).astype(np.int64) * DAY_S + _tod(rng, ne)
    esec[ne - len(cc):] = sec0 + np.floor(ct * DAY_S).astype(np.int64)
    ecat = _sample_cats(rng, cumcols, ec, et, fad, 0.12, 0.30, recent_from)
    eprod = _pick_products(rng, ctx, ecat, z[ec])
    eo = np.argsort(esec, kind="stable")
    emit("events", _table(TABLES["events"], {
        "customer_id": cust_ids.take(pa.array(ec[eo])),
        "event_ts": _ts_col(esec[eo]),
        "event_type": _vocab_col(EVENT_TYPES, etype[eo]),
        "product_id": ctx.prod_ids.take(pa.array(eprod[eo], mask=etype[eo] >= 3)),
        "category": _vocab_col(CATEGORIES, ecat[eo], etype[eo] == 3),
    }))
    del ec, et, etype, esec, ecat, eprod, eo, eu, lc, lt
