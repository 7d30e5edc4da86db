"""Which tasks to distil within an upfront budget: an exact 0/1 knapsack by branch and bound.

Imports numpy only. Maximizes the total NPV of the chosen tasks subject to the sum of their upfront
spend ≤ budget. Ranking by NPV per upfront dollar and taking tasks until the money runs out (greedy)
is not optimal: with $30k, tasks of ($20k, NPV $100k), ($15k, $60k), ($15k, $60k) greedy takes the
first (ratio 5.0) and stops at $100k; the two $15k tasks give $120k. A portfolio screen has tens of
candidates, so an exact search is cheap: depth-first over the tasks in NPV-per-dollar order, pruned by
the fractional (Dantzig) bound, which is the greedy fill plus the next task's NPV per dollar × the
money left. Dynamic programming over whole dollars would need budget × tasks cells ($10M × 50 tasks
is 500M); branch and bound needs none. The search stops after `MAX_NODES` nodes and then says how far
from the bound its best choice may be.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_NODES = 200_000  # a pathological instance stops here (about a second); real screens need hundreds
MONEY_TOLERANCE_USD = 1e-6  # float sums of upfront lines: $0.000001 over the budget still fits


@dataclass(frozen=True)
class BudgetChoice:
    """The chosen items (indices into the inputs), their totals, and whether the choice is proven best."""

    chosen: tuple[int, ...]
    npv_usd: float
    upfront_usd: float
    proven_optimal: bool
    bound_usd: float  # no choice within the budget can exceed this total NPV


def _bound(value: float, room: float, start: int, npv: np.ndarray, cost: np.ndarray) -> float:
    """Best total reachable from here if the next task could be taken in part (Dantzig bound)."""
    for j in range(start, len(npv)):
        if cost[j] <= room:
            room -= cost[j]
            value += npv[j]
        else:
            return value + npv[j] * room / cost[j]
    return value


def choose_within_budget(npv_usd, upfront_usd, budget_usd: float) -> BudgetChoice:
    """Subset with the most total NPV whose upfront sum ≤ budget (tasks with NPV ≤ 0 are never taken)."""
    npv_all = np.asarray(npv_usd, dtype=float)
    cost_all = np.asarray(upfront_usd, dtype=float)
    free = [i for i in range(len(npv_all)) if npv_all[i] > 0 and cost_all[i] <= 0]
    paid = [i for i in range(len(npv_all)) if npv_all[i] > 0 and cost_all[i] > 0]
    # Most NPV per dollar first (ties: the larger NPV), so the bound is tight and good choices come early.
    # a cost of a fraction of a cent makes the ratio infinite: first, rightly
    with np.errstate(over="ignore"):
        paid.sort(key=lambda i: (-npv_all[i] / cost_all[i], -npv_all[i], i))
    npv, cost = npv_all[paid], cost_all[paid]
    budget = budget_usd + MONEY_TOLERANCE_USD
    best_value, best_take, nodes = 0.0, (), 0
    root_bound = _bound(0.0, budget, 0, npv, cost)
    stack = [(0, 0.0, budget, ())]  # (next item, value so far, money left, items taken)
    while stack and nodes < MAX_NODES:
        start, value, room, taken = stack.pop()
        nodes += 1
        if value > best_value:
            best_value, best_take = value, taken
        if start == len(npv) or _bound(value, room, start, npv, cost) <= best_value:
            continue
        stack.append((start + 1, value, room, taken))  # skip item `start` (explored second)
        if cost[start] <= room:
            stack.append((start + 1, value + npv[start], room - cost[start], (*taken, start)))
    chosen = tuple(sorted(free + [paid[k] for k in best_take]))
    free_npv = float(npv_all[free].sum()) if free else 0.0
    return BudgetChoice(
        chosen=chosen,
        npv_usd=free_npv + best_value,
        upfront_usd=float(cost_all[list(chosen)].sum()) if chosen else 0.0,
        proven_optimal=not stack,
        bound_usd=free_npv + (best_value if not stack else root_bound),
    )
