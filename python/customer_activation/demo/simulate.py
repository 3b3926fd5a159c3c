"""One chunk of customers, simulated stage by stage (:func:`_simulate_chunk`).

Every chunk draws from its own ``numpy.random.default_rng([seed, 1, chunk index])``; the
stages run in a fixed order and draw from that one generator, so the same seed gives the same
rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from customer_activation.demo.bad_rows import _bad_customers
from customer_activation.demo.catalogue import DAY_S, _Ctx
from customer_activation.demo.customers import (
    _draw_attributes,
    _draw_communities,
    _draw_customers,
    _draw_interests,
    _emit_links,
    _emit_manual_labels,
    _emit_truth,
)
from customer_activation.demo.orders import (
    _draw_campaign_contacts,
    _draw_items,
    _draw_organic_orders,
    _emit_events,
    _emit_orders_and_responses,
)
from customer_activation.demo.tables import TABLES, _id_col, _table


# --------------------------------------------------------------------------------------
# One chunk
# --------------------------------------------------------------------------------------
@dataclass
class _ChunkOut:
    tables: dict
    n_orders_ids: int
    n_communities: int
    camp_stats: np.ndarray  # (n_campaigns, 8)
    bad: dict


def _simulate_chunk(ctx: _Ctx, ci: int, lo: int, hi: int, order_off: int, comm_off: int,
                    emit) -> _ChunkOut:
    """Simulate customers [lo, hi); tables are handed to ``emit(name, table)`` as soon as
    they are ready so that large intermediates can be freed early."""
    rng = np.random.default_rng([ctx.seed, 1, ci])
    n = hi - lo
    ctx.chunk_n = n
    T = ctx.T
    Tc = T - 1e-6
    gid = np.arange(lo, hi) + 1  # customer number
    cust_ids = _id_col("C", gid, ctx.cid_width)
    sec0 = ctx.start_day * DAY_S
    acq, age, city, gender, lam, region, stop_gap, t0, tau, td, z = _draw_attributes(n, rng, T)
    comm_id, comm_of, kind, members, n_comm, n_mem, pos, root, size, starts, td, ts = _draw_communities(
            n, rng, t0, region, city, age, gender, z, lam, td, acq, stop_gap)
    cumcols, fad, recent_from, w = _draw_interests(ctx, age, gender, region, n, rng, members, root, T)
    Lam, n_org, oc, osec, ot, tdc, tsc = _draw_organic_orders(Tc, td, ts, lam, t0, tau, rng, n, sec0)
    C, a_sec, is_x, nC, no, oc, ochan, ochan_null, osec, ot, status = _draw_campaign_contacts(
            ctx, t0, lam, n, rng, tau, td, tdc, ts, tsc, sec0, oc, ot, osec, n_org, region)
    (camp_stats, i_order, i_price, i_prod, i_qty, nk, o_amt, o_chan, o_chan_null, o_cust, o_disc,
         o_hasd, o_sec, o_stat, order_ids, pilot_counts) = _draw_items(
            ctx, order_off, no, rng, oc, cumcols, fad, ot, recent_from, z, is_x, n_org, C, osec, status,
            ochan, ochan_null)
    del is_x, n_org, no, oc, ochan, ochan_null, osec, ot, status
    bad, cnt_c, n_ids, sum_c = _emit_orders_and_responses(
            ctx, order_off, emit, o_stat, o_sec, sec0, o_cust, o_amt, C, a_sec, cust_ids, o_chan,
            o_chan_null, o_disc, o_hasd, order_ids, i_order, i_price, i_prod, i_qty, nk, rng, n)
    del a_sec, i_order, i_price, i_prod, i_qty, nk, o_amt, o_chan, o_chan_null, o_cust, o_disc, o_hasd, o_sec, o_stat, order_ids
    _emit_events(
            ctx, emit, Lam, rng, n, Tc, lam, t0, tau, tdc, ts, tsc, C, nC, sec0, cumcols, fad,
            recent_from, z, cust_ids)
    del C, Lam, cumcols, fad, nC, recent_from, tdc, tsc
    _emit_links(
            emit, n_mem, pos, rng, members, comm_of, starts, size, n_comm, n, Tc, t0, sec0, cust_ids,
            kind)
    del Tc, comm_of, members, n_mem, pos, sec0, starts
    birth_year, stage, vtier = _emit_truth(
            ctx, comm_off, emit, T, t0, ts, td, lam, tau, cnt_c, sum_c, age, comm_id, city, cust_ids,
            gender, region, w, kind, n_comm, size)
    del T, cnt_c, comm_id, kind, size, sum_c, tau, td, ts, w
    cust = _draw_customers(
            ctx, acq, age, n, rng, lam, z, cust_ids, t0, birth_year, city, gender, region)
    del acq, age, birth_year, city, gender, lam, region, t0, z
    _emit_manual_labels(ctx, emit, n, rng, stage, vtier, cust_ids)
    del cust_ids, stage, vtier

    customers = _table(TABLES["customers"], cust)
    if ctx.bad_rows:
        customers = _bad_customers(ctx, rng, customers, bad, lo, n)
    emit("customers", customers)
    return _ChunkOut(tables=None, n_orders_ids=n_ids, n_communities=n_comm,
                     camp_stats=np.column_stack([camp_stats, pilot_counts]), bad=bad)
