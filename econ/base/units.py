"""Units and conventions shared by the whole cost model: the one place for time and scale constants.

Imports nothing. Every other module takes its constants from here, so a month means the same
thing everywhere (DESIGN.md, Conventions).
"""

HOURS_PER_MONTH = 730.0  # 8760 h / 12, the cloud-billing convention
HOURS_PER_DAY = 24.0
DAYS_PER_MONTH = HOURS_PER_MONTH / HOURS_PER_DAY  # 30.4166...
DAYS_PER_WEEK = 7.0
SECONDS_PER_HOUR = 3600.0
SECONDS_PER_MONTH = HOURS_PER_MONTH * SECONDS_PER_HOUR
MONTHS_PER_YEAR = 12
WEEK_DAYS = 7  # the seasonal period of daily traffic
# Four whole weeks, the 28-day level rule: today's volume is the mean of the last LEVEL_DAYS days (whole
# weeks, so the weekly pattern cancels), and it is the least history that shows a weekly pattern and a trend.
LEVEL_DAYS = 4 * WEEK_DAYS
TOKENS_PER_MTOK = 1_000_000.0
REQUESTS_PER_KREQ = 1_000.0
GIB = 2**30  # bytes; memory is reported in GiB
GB = 1e9  # bytes; bandwidth is reported in GB/s
# Warn when a self-hosted fleet sits below this average utilization: it is mostly idle.
LOW_UTILIZATION_WARNING = 0.10
# Tolerance for whole-replica rounding: 2.0000000001 replicas is 2, not 3 (float noise).
REPLICA_ROUNDING_TOLERANCE = 1e-9


def monthly_rate(annual_rate: float):
    """Monthly rate equivalent to an annual one: (1 + r)^(1/12) - 1. Works on numpy arrays too."""
    return (1.0 + annual_rate) ** (1.0 / MONTHS_PER_YEAR) - 1.0


def discount_factor(rate_per_period, period):
    """The one discount rule: 1 / (1 + r)^m for a flow at the end of period m (upfront, m = 0, is 1).

    numpy-friendly.
    """
    return (1.0 + rate_per_period) ** -period
