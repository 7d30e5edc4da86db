"""A served profile in full on the Profiles page: where it came from (an import names its tool and
version), its capacity and the limit that bound it, latency against load with the request lengths
beside it, each load priced ($ per 1M output tokens, $ per 1k requests), and the server's metrics over
the load the reader picks.

Imports streamlit, econ, profiles (the GPU price table and the load CLI's `ReplicaPrice`, so the page
and `profiles load` print the same prices) and ui. Nothing is computed here.
"""

from __future__ import annotations

import streamlit as st

from econ.io.formats import usd
from econ.model.profile import Profile
from profiles.gpu_catalog import gpu_usd_per_hour
from profiles.load.pricing import ReplicaPrice
from ui import served_tables
from ui.charts import served as served_charts

PLOT_CONFIG = {"displaylogo": False}
PRICE_FORMATS = {
    "$ per 1M output tokens": st.column_config.NumberColumn(format="$%.4f"),
    "$ per 1k requests": st.column_config.NumberColumn(format="$%.4f"),
    "achieved requests/s (measured, served)": st.column_config.NumberColumn(format="%.2f"),
    "output tokens/s (measured, served)": st.column_config.NumberColumn(format="%.1f"),
}


def _catalog_price(profile: Profile) -> tuple[float, str] | None:
    name = profile.hardware.catalog_name
    return gpu_usd_per_hour(name) if name else None


def _price(profile: Profile, key: str) -> ReplicaPrice | None:
    """The replica's price: a typed $/GPU-hour (default: the price table's offer for the profile's GPU)."""
    found = _catalog_price(profile)
    usd = st.number_input(
        "GPU price, $ per GPU-hour (to price each load)", min_value=0.0, max_value=1000.0, step=0.1,
        value=found[0] if found else None, key=f"{key}.gpu_usd_per_hour", format="%.2f",
        help="Filled from the price table when the profile names a catalog GPU; type one otherwise "
             "(e.g. what the GPU you would serve on costs).")
    if not usd:
        st.caption("Type a GPU price to see each load's $ per 1M output tokens and $ per 1k requests "
                   f"({profile.hardware.name} is not a GPU in the price table).")
        return None
    typed = found is None or usd != found[0]
    source = "typed" if typed else f"price table: {profile.hardware.catalog_name} {found[1]}"
    return ReplicaPrice(profile.hardware.gpu_count, usd, source)


def _prices(profile: Profile, key: str) -> None:
    price = _price(profile, key)
    if price is None:
        return
    st.dataframe(served_tables.priced_table(profile, price), hide_index=True, column_config=PRICE_FORMATS)
    best = served_tables.capacity_point(profile)
    if best is not None:
        st.markdown(
            f"**At the capacity** ({served_tables.load_label(best)}, {best.requests_per_s:.3g} requests/s "
            f"achieved): **{usd(price.per_mtok_output(best.output_tokens_per_s), True, 4)} per 1M output "
            f"tokens**, **{usd(price.per_kreq(best.requests_per_s), True, 4)} per 1k requests**, on "
            f"{price.gpus:g} GPU × ${price.usd_per_gpu_hour:,.2f}/h ({price.source}): the replica's whole "
            "bill over what it served.")


def _server(profile: Profile, key: str) -> None:
    loads = {served_tables.load_label(p): p for p in profile.points}
    best = served_tables.capacity_point(profile)
    default = served_tables.load_label(best) if best is not None else next(iter(loads))
    label = st.selectbox("The server's view during the load", list(loads), index=list(loads).index(default),
                         key=f"{key}.server_point")
    point = loads[label]
    st.caption(served_tables.server_line(point))
    samples = served_tables.server_frame(point)
    if len(samples):
        st.plotly_chart(served_charts.server_over_time(samples, f"Server metrics over {label}"),
                        config=PLOT_CONFIG, key=f"{key}.server_chart")


def show_served(profile: Profile, name: str, key: str) -> None:
    """The full-width section of one served profile."""
    st.subheader(f"{name}: served profile of {profile.model.name}")
    if line := served_tables.imported_line(profile):
        st.info(line, icon=":material/input:")
    if line := served_tables.capacity_line(profile):
        st.info(line)
    search = profile.capacity
    if search is not None and search.binding_limit:
        st.info(f"**Binding limit:** {search.binding_limit}.", icon=":material/speed:")
    elif search is not None:
        st.caption("Binding limit: not named (the server's /metrics were not recorded past the capacity).")
    lengths = served_tables.lengths_frame(profile)
    charts = st.columns([3, 2]) if len(lengths) else [st.container()]
    with charts[0]:
        st.plotly_chart(served_charts.latency_vs_rate(
            served_tables.served_frame(profile, profile.model.name),
            search.slo_ttft_ms if search else None, search.slo_tpot_ms if search else None),
            config=PLOT_CONFIG, key=f"{key}.latency")
    if len(lengths):
        with charts[1]:
            st.plotly_chart(served_charts.length_distribution(lengths), config=PLOT_CONFIG,
                            key=f"{key}.lengths")
            st.caption(served_tables.lengths_line(profile))
    else:
        st.caption(f"Every request was {profile.workload.input_tokens} prompt and "
                   f"{profile.workload.output_tokens} output tokens (no length distribution recorded).")
    _prices(profile, key)
    _server(profile, key)
