"""The upfront budget: an exact 0/1 knapsack on NPV (branch and bound), checked against every subset."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from econ.portfolio.budget import choose_within_budget


def test_exact_choice_beats_greedy_by_npv_per_dollar():
    # $30k: greedy by NPV per dollar takes (20k → 100k, ratio 5.0) and then nothing fits: $100k.
    # The two $15k tasks (ratio 4.0 each) fit together: $120k.
    choice = choose_within_budget([100_000, 60_000, 60_000], [20_000, 15_000, 15_000], 30_000)
    assert choice.chosen == (1, 2) and choice.npv_usd == 120_000 and choice.upfront_usd == 30_000
    assert choice.proven_optimal and choice.bound_usd == 120_000


def test_free_tasks_are_always_taken_and_losing_ones_never():
    choice = choose_within_budget([5_000, -1_000, 50_000], [0, 10, 100_000], 1_000)
    assert choice.chosen == (0,) and choice.npv_usd == 5_000 and choice.upfront_usd == 0
    assert choose_within_budget([], [], 10).chosen == ()


def test_a_budget_that_exactly_fits_takes_the_task():
    # 23,750 three times is 71,250 (float sums of upfront lines must still fit their exact budget).
    assert choose_within_budget([1.0, 1.0, 1.0], [23_750.1, 23_750.2, 23_750.0], 71_250.3).chosen == (0, 1, 2)


@settings(max_examples=200, deadline=None)
@given(items=st.lists(st.tuples(st.floats(-1e5, 1e6), st.floats(0, 1e5)), max_size=9),
       budget=st.floats(0, 3e5))
def test_the_choice_is_the_best_subset(items, budget):
    npv = [n for n, _ in items]
    cost = [c for _, c in items]
    best = 0.0
    for r in range(len(items) + 1):
        for subset in itertools.combinations(range(len(items)), r):
            if sum(cost[i] for i in subset) <= budget + 1e-6 and all(npv[i] > 0 for i in subset):
                best = max(best, sum(npv[i] for i in subset))
    choice = choose_within_budget(npv, cost, budget)
    assert choice.proven_optimal
    assert choice.npv_usd == pytest.approx(best, rel=1e-9, abs=1e-6)
    assert sum(cost[i] for i in choice.chosen) <= budget + 1e-6
