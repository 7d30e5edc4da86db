"""Serving widgets of the form: API or self-hosted, price tables, typed capacity or a profile with its SLO.

Imports streamlit and econ (plus `ui.loads`/`ui.state`). A mixin of `ui.sidebar.form.Form`: it uses the
form's generic `field`, `model`, `slot` and `_init`.
"""

from __future__ import annotations

import streamlit as st

import econ
from ui import loads, state
from ui.sidebar.fields import default_sides, label_of

P = state.INPUT_PREFIX
TYPED = "(type the price)"
TYPED_CAPACITY = "Typed capacity (requests/s per replica)"
FROM_PROFILE = "From a profile + latency SLO"
KIND_LABELS = {"api": "API, priced per token", "self_hosted": "Self-hosted GPUs"}


class ServingWidgets:
    """The serving part of the form (mixed into Form)."""

    def serving(self, where, path: str, value) -> dict:
        self.slot(path, where)  # "give exactly one of ..." lands here
        kinds = list(KIND_LABELS)
        key = P + path + ".kind"
        self._init(key, value.kind if value is not None else "api")
        kind = where.radio("How it is served", kinds, key=key, format_func=KIND_LABELS.get, horizontal=True,
                           help="API: priced per token. Self-hosted: GPUs priced per hour. Field "
                                f"`{path}.kind`.")
        obj = value if value is not None and value.kind == kind else default_sides().get(kind)
        if kind == "api":
            self.api_table(where, path)
            out = self.model(where, econ.ApiServing, path, obj, skip=("kind",))
        else:
            out = self.self_hosted(where, path, obj)
        return {"kind": kind, **out}

    def api_table(self, where, path: str) -> None:
        rows = {r["model"]: r for r in loads.api_price_rows()}
        key = P + path + ".__api_table"

        def apply() -> None:
            row = rows.get(st.session_state[key])
            if row is None:
                return
            st.session_state[P + path + ".name"] = row["model"]
            st.session_state[P + path + ".input_usd_per_mtok"] = float(row["input_usd_per_mtok"])
            st.session_state[P + path + ".output_usd_per_mtok"] = float(row["output_usd_per_mtok"])
            st.session_state[P + path + ".batch_discount"] = float(row["batch_discount"])
            if row["cached_input_usd_per_mtok"] is not None:
                st.session_state[P + path + ".cached_input_usd_per_mtok"] = float(
                    row["cached_input_usd_per_mtok"])

        self._init(key, TYPED)
        where.selectbox(
            "Fill prices from the API price table", [TYPED, *rows], key=key, on_change=apply,
            format_func=lambda m: m if m == TYPED else (
                f"{m}: ${rows[m]['input_usd_per_mtok']:g} in / ${rows[m]['output_usd_per_mtok']:g} out "
                f"per M tokens ({rows[m]['as_of']})"),
            help="Copies the listed prices into the fields below; edit them after if your contract differs.",
        )

    def gpu_table(self, where, path: str) -> None:
        rows = {f"{r['gpu']} · {r['offer']}": r for r in loads.gpu_price_rows()}
        key = P + path + ".__gpu_table"

        def apply() -> None:
            row = rows.get(st.session_state[key])
            if row is not None:
                st.session_state[P + path + ".gpu_name"] = row["gpu"]
                st.session_state[P + path + ".gpu_usd_per_hour"] = float(row["usd_per_gpu_hour"])

        self._init(key, TYPED)
        where.selectbox(
            "Fill the GPU price from the price table", [TYPED, *rows], key=key, on_change=apply,
            format_func=lambda k: k if k == TYPED else f"{k}: ${rows[k]['usd_per_gpu_hour']:.2f}/GPU-hour "
                                                       f"({rows[k]['as_of']})",
            help="Copies the listed $/GPU-hour into the field below.",
        )

    def self_hosted(self, where, path: str, obj) -> dict:
        model = econ.SelfHostedServing
        self.gpu_table(where, path)
        out = {name: self.field(where, model, name, f"{path}.{name}", obj)
               for name in ("gpu_name", "gpu_usd_per_hour", "gpus_per_replica")}
        key = P + path + ".__capacity"
        self._init(key, FROM_PROFILE if obj is not None and obj.profile is not None else TYPED_CAPACITY)
        source = where.radio("Capacity per replica", [TYPED_CAPACITY, FROM_PROFILE], key=key,
                             help="Type the requests/s one replica serves at your latency target, or derive "
                                  "it from a measured or estimated profile and a latency SLO.")
        if source == TYPED_CAPACITY:
            out["requests_per_s_per_replica"] = self.field(
                where, model, "requests_per_s_per_replica", f"{path}.requests_per_s_per_replica", obj)
            out["profile"] = None
            out["slo"] = None
        else:
            out["requests_per_s_per_replica"] = None
            out["profile"] = self.profile(where, model.model_fields["profile"], f"{path}.profile",
                                          obj.profile if obj is not None else None, optional=False)
            slo = obj.slo if obj is not None else None
            slo_values = self.model(where, econ.LatencySlo, f"{path}.slo", slo)
            out["slo"] = slo_values if any(v is not None for v in slo_values.values()) else None
        for name in ("target_utilization", "min_replicas", "billing", "input_tokens", "output_tokens"):
            out[name] = self.field(where, model, name, f"{path}.{name}", obj)
        return out

    def profile(self, where, info, path: str, value, optional: bool):
        """Pick a stored profile (profiles/data/), one uploaded on the Profiles page, or the one given."""
        choices: dict[str, str | econ.Profile | None] = {}
        if optional:
            choices["(none)"] = None
        for file_path, prof in loads.valid_stored_profiles().items():
            choices[f"stored: {prof.model.name} on {prof.hardware.name} ({prof.provenance}) · "
                    f"{file_path.rsplit('/', 1)[-1]}"] = file_path
        for name, prof in loads.uploaded_profiles().items():
            choices[
                f"uploaded: {prof.model.name} on {prof.hardware.name} ({prof.provenance}) · {name}"] = prof
        current = None
        for label, ref in choices.items():
            if ref is not None and (ref == value):
                current = label
        if current is None and value is not None:
            current = (f"this scenario's file: {value}" if isinstance(value, str)
                       else f"embedded: {value.model.name} on {value.hardware.name} ({value.provenance})")
            choices[current] = value
        key = P + path
        labels = list(choices)
        if st.session_state.get(key) not in labels:
            st.session_state.pop(key, None)
        self._init(key, current if current is not None else (labels[0] if labels else None))
        if not labels:
            where.info("No profiles yet: add files to profiles/data/ or upload one on the Profiles page.")
            self.slot(path, where)
            return None
        picked = where.selectbox(label_of(info), labels, key=key, help=self.help(info, path))
        self.slot(path, where)
        return choices.get(picked)
