"""Risk page: how likely payback is (Monte Carlo), what decides it (tornado), stay / swap / distil, and a
traffic forecast from an uploaded history. Imports streamlit, econ and ui; every number comes from econ.

Ranges come before points: P10–P90 first, the as-typed answer last. Slow sweeps are cached per
scenario and settings with st.cache_data. The risk settings edited here are the scenario's `risk` block:
a change is written into the current scenario, so the CLI gives the same answer for the saved file.
"""

import json

import streamlit as st

import econ
from econ import risk
from econ.base.units import DAYS_PER_MONTH
from econ.model.uncertainty import UncertainInput, Uncertainty
from econ.risk import decision
from econ.risk.verdict import verdict
from econ.traffic import forecast
from ui import format as fmt
from ui import state
from ui.charts import risk as risk_charts
from ui.verdicts import show_verdict

PLOT_CONFIG = {"displaylogo": False}
DRAW_CHOICES = (1_000, 2_000, 5_000, 10_000, 20_000, 50_000)
FORECAST_KEY = "risk.forecast_inputs"  # JSON of the applied forecast's traffic distribution
SOURCE_KEY = "risk.settings_source"  # the risk settings the widgets were drawn for
WIDGET_KEYS = ("risk.draws", "risk.seed", "risk.spread", "risk.profile_spread")
MAX_SPREAD_PERCENT = 60


@st.cache_data(show_spinner="Running the Monte Carlo…", max_entries=32)
def run_risk(scenario_json: str, settings_json: str):
    """Monte Carlo, tornado and decision of one scenario under one set of risk settings (cached)."""
    scenario = econ.parse_scenario(scenario_json)
    settings = Uncertainty.model_validate_json(settings_json)
    mc, choice = risk.monte_carlo(scenario, settings), decision.decide(scenario)
    return mc, risk.tornado(scenario, settings), choice, verdict(scenario, mc=mc, decision=choice)


@st.cache_data(show_spinner="Fitting the forecast…", max_entries=8)
def run_forecast(data: bytes, name: str, months: int):
    """Parse an uploaded history and fit the forecast (cached by the file's bytes)."""
    return forecast.forecast_traffic(forecast.parse_history(data, origin=name), months=months)


scenario = state.current_scenario()
base = risk.settings_of(scenario)
st.title("How sure can we be?")
st.caption(f"Scenario **{scenario.name}** · {scenario.horizon_months} months. Each input is drawn from a "
           "range around its value; the same cash-flow model runs for every draw.")

if SOURCE_KEY in st.session_state and st.session_state[SOURCE_KEY] != base:
    for key in WIDGET_KEYS:  # the scenario's risk block changed elsewhere (sidebar, a load): re-read it
        st.session_state.pop(key, None)
shown_spread = int(round(base.default_spread * 100))
with st.expander("Risk settings", expanded=False):
    c1, c2, c3 = st.columns(3)
    draws = c1.select_slider("Monte Carlo draws", sorted({*DRAW_CHOICES, base.draws}), value=base.draws,
                             key="risk.draws", help=Uncertainty.model_fields["draws"].description)
    seed = c2.number_input("Seed", min_value=0, value=base.seed, step=1, key="risk.seed",
                           help=Uncertainty.model_fields["seed"].description)
    spread = c3.slider("Spread of inputs without their own range (± %)", 0, MAX_SPREAD_PERCENT,
                       shown_spread, key="risk.spread",
                       help=Uncertainty.model_fields["default_spread"].description)
    profile_spread = st.checkbox("Add a measured profile's own throughput spread (an estimate has none)",
                                 value=base.profile_spread, key="risk.profile_spread")
    forecast_inputs = [UncertainInput.model_validate(i) for i in json.loads(st.session_state.get(FORECAST_KEY, "[]"))]
    use_forecast = bool(forecast_inputs) and st.checkbox(
        "Use the applied forecast's traffic uncertainty", value=True, key="risk.use_forecast")
    st.caption("A scenario file can carry its own distributions in its `risk` block "
               "(normal, lognormal, triangular, uniform, beta per input).")

# Only what the user changed is written (a spread of 12.5% shows as 12 or 13 and stays 12.5% until moved).
widgets = {"draws": int(draws), "seed": int(seed), "profile_spread": profile_spread,
           "default_spread": base.default_spread if spread == shown_spread else spread / 100}
changed = {name: value for name, value in widgets.items() if value != getattr(base, name)}
own = base.model_copy(update={"inputs": [i for i in base.inputs if i not in forecast_inputs]})
settings = (own.with_defaults(forecast_inputs) if use_forecast else own).model_copy(update=changed)
st.session_state[SOURCE_KEY] = settings
if settings != base:
    # The settings are the scenario's `risk` block: written into it, so the sidebar, a saved file and
    # `python -m econ risk` all see what this page computes.
    state.set_scenario(econ.Scenario.model_validate({**scenario.model_dump(), "risk": settings.model_dump()}))
    st.rerun()
try:
    mc, sensitivity, choice, answer = run_risk(scenario.model_dump_json(), settings.model_dump_json())
except ValueError as exc:
    st.error(str(exc))
    st.stop()

h = scenario.horizon_months
show_verdict(answer)
st.subheader("How likely is payback?")
year = risk.first_year_months(h)
row = st.columns(2)
row[0].metric("NPV range (P10–P90)", f"{fmt.usd(mc.npv_usd.p10)} to {fmt.usd(mc.npv_usd.p90)}", border=True,
              help="8 in 10 draws fall in this range.")
p = mc.payback_months
payback_range = "beyond the horizon" if p.p10 is None else (
    f"{p.p10:.1f} to " + (f"{p.p90:.1f} months" if p.p90 is not None else f"beyond {h} months"))
row[1].metric("Payback range (P10–P90)", payback_range, border=True)
row = st.columns(2)
row[0].metric("Chance NPV > 0", fmt.percent(mc.p_npv_positive), border=True,
              help=risk.chance_words(mc.p_npv_positive) + " that distilling makes money over the horizon.")
row[1].metric(f"Chance of payback within {risk.period_words(year)}", fmt.percent(mc.p_payback_within(year)),
              border=True, help=risk.payback_chance_words(mc.p_payback_within(year), year))
for sentence in mc.summary():
    st.markdown(f"- {sentence}")

left, right = st.columns(2)
left.plotly_chart(risk_charts.npv_histogram(
    mc.draws, mc.npv_usd.p10, mc.npv_usd.p90,
    f"NPV over {h} months: {risk.chance_words(mc.p_npv_positive)} it is positive"),
    config=PLOT_CONFIG, key="risk.histogram")
right.plotly_chart(risk_charts.payback_by_month(mc.payback_by_month), config=PLOT_CONFIG, key="risk.payback")
st.caption(f"Point estimate with every input as typed: NPV {fmt.usd(mc.deterministic_npv_usd)}, payback "
           f"{fmt.months(mc.deterministic_payback_months)}. {mc.n_draws:,} draws, seed {mc.seed}.")

st.subheader("What decides the answer?")
st.caption("Each input moved to its low and its high value with every other input held; largest NPV swing on top. "
           "Each bar says what its range covers: P10–P90, a measured rate's 95% Wilson interval, or your own range.")
st.plotly_chart(risk_charts.tornado(sensitivity.rows, sensitivity.base_npv_usd), config=PLOT_CONFIG,
                key="risk.tornado")
with st.expander("Tornado table (NPV and payback at each end)"):
    st.dataframe(sensitivity.to_frame().drop(columns=["input"]), hide_index=True)

st.subheader("Stay, swap or distil?")
options = choice.to_frame()
headline = choice.reasons[0]
st.markdown(f"**Recommendation: {choice.recommendation}.** {headline[0].upper()}{headline[1:]}.")
for reason in choice.reasons[1:]:
    st.markdown(f"- {reason}")
left, right = st.columns(2)
left.plotly_chart(risk_charts.decision_costs(options, choice.recommendation, h), config=PLOT_CONFIG,
                  key="risk.decision")
right.plotly_chart(risk_charts.decision_cumulative(choice.monthly), config=PLOT_CONFIG, key="risk.cumulative")
if scenario.swap is None:
    st.info("Add an off-the-shelf alternative (the scenario's `swap`: its price and error rate) to compare a swap.")

st.subheader("Traffic forecast from history")
st.caption("Upload daily request counts (CSV with a header `date,requests`, one row per day, at least "
           f"{forecast.MIN_HISTORY_DAYS} days). A Holt-Winters model (trend + weekly season) forecasts months "
           "of 730/24 days with P10–P90 ranges.")
c1, c2 = st.columns([3, 1])
upload = c1.file_uploader("Daily history (CSV)", type=["csv"], key="risk.history")
months = c2.number_input("Months to forecast", min_value=1, max_value=forecast.MAX_MONTHS, value=h,
                         key="risk.forecast_months")
if upload is not None:
    try:
        fc = run_forecast(upload.getvalue(), upload.name, int(months))
    except ValueError as exc:
        st.error(str(exc))
    else:
        row = st.columns(3)
        row[0].metric("Fitted growth", f"{fc.monthly_growth:+.1%} per month", border=True)
        row[1].metric("Month 1", f"{fc.requests_per_day:,.0f} requests/day", border=True)
        last = fc.monthly.iloc[-1]
        row[2].metric(f"Month {int(last.month)} (P10–P90)",
                      f"{last.low / DAYS_PER_MONTH / 1e3:,.1f}k–{last.high / DAYS_PER_MONTH / 1e3:,.1f}k/day",
                      border=True, help="Requests/day, P10–P90 of the last forecast month.")
        st.plotly_chart(risk_charts.traffic_forecast(fc.history, fc.monthly, DAYS_PER_MONTH), config=PLOT_CONFIG,
                        key="risk.forecast_chart")
        st.caption(f"{fc.model}; {len(fc.history)} days of history. The ranges hold the model's own noise, "
                   "not doubt about the fitted trend.")
        with st.expander("Monthly forecast table"):
            st.dataframe(fc.to_frame(), hide_index=True)
        if st.button("Use this forecast in the scenario", key="risk.apply_forecast", type="primary",
                     help="Sets month-1 requests/day and monthly growth; the forecast's spread feeds the Monte Carlo."):
            state.set_scenario(forecast.apply_forecast(scenario, fc))
            st.session_state[FORECAST_KEY] = json.dumps([i.model_dump() for i in fc.traffic_inputs()])
            st.rerun()

with st.expander("Assumptions: the distribution of each input"):
    st.dataframe(mc.assumptions, hide_index=True)
