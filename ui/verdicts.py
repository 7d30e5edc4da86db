"""The verdict line and the warnings, as every page shows them: the verdict first, the missing input named by
its sidebar label and section, standing caveats gathered in one "Assumptions to check" box.

Imports streamlit and econ (plus `ui.sections` for the sidebar's section titles). Every word comes from econ;
this module only places it.
"""

from __future__ import annotations

import streamlit as st

from econ.chain.evaluate import is_caveat
from econ.risk.verdict import MissingInput, Verdict
from ui.sections import place_of


def sentence(text: str) -> str:
    """A message as a sentence: capital first letter, final period."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."


def where(missing: MissingInput) -> str:
    """'**Cost of one wrong answer (USD/error)** in the sidebar under *Quality and fallback*'."""
    return f"**{missing.label}** in the sidebar under *{place_of(missing.field)}*"


def show_verdict(v: Verdict, container=st) -> None:
    """One line at the top: the call in bold, its reason; for 'Not yet decidable' what to supply and where."""
    text = f"**{v.label}**: {sentence(v.reason)}"
    if v.call == "undecidable":
        text += " " + " ".join(f"Supply {where(m)}." for m in v.missing)
        container.warning(text)
    elif v.call == "distil":
        container.success(text)
    else:
        container.error(text)


def show_warnings(warnings: tuple[str, ...] | list[str], container=st) -> None:
    """Warnings that ask for action, each in view; standing caveats in one 'Assumptions to check' box."""
    caveats = [w for w in warnings if is_caveat(w)]
    for warning in warnings:
        if not is_caveat(warning):
            container.warning(sentence(warning))
    if caveats:
        with container.expander(f"Assumptions to check ({len(caveats)})", expanded=False):
            for caveat in caveats:
                st.markdown(f"- {sentence(caveat)}")
