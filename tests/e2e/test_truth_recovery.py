"""The SQL layer against the generator's ground truth (data/_truth): long-term interests
(precision@k against the true preferences, next to a popularity baseline) and circles (the
detected link circles against the true communities). The figures are in the issue notes."""
from __future__ import annotations

import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

pytestmark = pytest.mark.e2e

TRUE_INTEREST_MIN_WEIGHT = 0.15   # a true long-term interest: Dirichlet weight of at least 0.15


def _truth(demo_data, name: str) -> str:
    path = str(demo_data / "_truth" / f"{name}.csv").replace("'", "''")
    return f"(select * from read_csv('{path}', all_varchar = true))"


def _frame(build, sql: str) -> pd.DataFrame:
    with build.connect() as con:
        return con.execute(sql).df()


def _precision_at_k(demo_build, demo_data, k: int) -> tuple[float, float]:
    """(model, popularity baseline) precision@k of the top-k long-term interests."""
    got = _frame(demo_build, f"""
        with truth as (
            select customer_id, category from {_truth(demo_data, 'customer_interests')}
            where cast(weight as double) >= {TRUE_INTEREST_MIN_WEIGHT}
        ),
        scoring as (
            select * from intermediate.int_customer_interests where feature_date_role = 'scoring'
        ),
        model_top as (select customer_id, category from scoring where rank_long <= {k}),
        popular as (
            select category, row_number() over (order by sum(affinity_long) desc, category) as popularity
            from scoring group by category
        ),
        baseline_top as (
            select customers.customer_id, popular.category
            from (select distinct customer_id from scoring) as customers
            cross join popular where popular.popularity <= {k}
        )
        select
            (select avg(case when truth.customer_id is not null then 1.0 else 0.0 end)
             from model_top left join truth using (customer_id, category)) as model_precision,
            (select avg(case when truth.customer_id is not null then 1.0 else 0.0 end)
             from baseline_top left join truth using (customer_id, category)) as baseline_precision""")
    return float(got["model_precision"][0]), float(got["baseline_precision"][0])


@pytest.mark.parametrize("k, floor", [(1, 0.8), (3, 0.5)])
def test_top_interests_recover_true_preferences(demo_build, demo_data, k, floor):
    model, baseline = _precision_at_k(demo_build, demo_data, k)
    assert model > floor, model
    assert model > 2 * baseline, (model, baseline)


def test_stable_interests_are_mostly_true_interests(demo_build, demo_data):
    got = _frame(demo_build, f"""
        select count(*) as n, avg(case when truth.customer_id is not null then 1.0 else 0.0 end) as precision
        from intermediate.int_customer_interests as interests
        left join {_truth(demo_data, 'customer_interests')} as truth
            on truth.customer_id = interests.customer_id and truth.category = interests.category
            and cast(truth.weight as double) >= {TRUE_INTEREST_MIN_WEIGHT}
        where interests.feature_date_role = 'scoring' and interests.is_stable""")
    assert got["n"][0] > 1000
    assert got["precision"][0] > 0.65


def test_link_circles_recover_true_communities(demo_build, demo_data):
    pairs = _frame(demo_build, f"""
        select truth.customer_id, truth.community_id, circle.circle_id, circle.circle_kind
        from {_truth(demo_data, 'customer_truth')} as truth
        inner join intermediate.int_customer_circle as circle
            on circle.customer_id = truth.customer_id and circle.feature_date_role = 'scoring'
        where truth.community_id is not null""")
    assert len(pairs) > 500
    assert (pairs["circle_kind"] != "attribute").mean() > 0.95   # members of a community are linked
    ari = adjusted_rand_score(pairs["community_id"], pairs["circle_id"])
    assert ari > 0.95, ari
