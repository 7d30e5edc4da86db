"""`python -m econ report`: one to two A4 pages a lead can forward (verdict, headline with units, the chart,
risk
ranges and the top three drivers, quality in one line, assumptions in words), as HTML and as PDF; the scenario
JSON beside it or attached, never dumped into the page. The PDF is checked by rendering its pages to
images."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pypdfium2
import pytest

import econ
from econ.cli.main import main

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = ROOT / "examples" / "template.json"
DEFAULT = ROOT / "econ" / "data" / "default_scenario.json"  # embeds two profiles with every point
A4_POINTS = (595.28, 841.89)
JSON_DUMP_MARKERS = ('"kind"', '"points"', '"schema_version"', '{"', '"requests_per_day"')


def pdf_text_and_images(path: Path) -> tuple[list[str], list[np.ndarray]]:
    pdf = pypdfium2.PdfDocument(str(path))
    texts, images = [], []
    for page in pdf:
        assert page.get_size() == pytest.approx(A4_POINTS, abs=0.1)  # page width: A4
        texts.append(page.get_textpage().get_text_range())
        images.append(np.asarray(page.render(scale=1).to_pil().convert("L")))
    return texts, images


@pytest.mark.parametrize("scenario", [TEMPLATE, DEFAULT], ids=["template", "default"])
def test_the_pdf_is_one_or_two_a4_pages_with_the_verdict_first_and_no_json(scenario, tmp_path, capsys):
    out = tmp_path / "report.pdf"
    assert main(["report", str(scenario), "--out", str(out)]) == 0
    expected = econ.risk.verdict.verdict(econ.load_scenario(scenario)).line()
    assert capsys.readouterr().out.strip() == f"{out}: {expected}"
    texts, images = pdf_text_and_images(out)
    assert 1 <= len(texts) <= 2
    for image in images:  # rendered at 72 dpi (595.3 × 841.9 pt, rounded up), not blank: ink on white paper
        assert image.shape == (842, 596) and (image < 128).mean() > 0.005 and (image > 250).mean() > 0.6
    text = " ".join(" ".join(texts).split())
    first_words = " ".join(expected.split()[:6])
    assert first_words in text and text.index(first_words) < text.index("Headline")
    for heading in ("Headline", "Cumulative cost", "Risk", "What decides it", "Quality", "Assumptions"):
        assert heading in text
    assert "months" in text and "$" in text and "req/day" in text  # the headline carries its units
    assert not any(marker in text for marker in JSON_DUMP_MARKERS)
    pdf = pypdfium2.PdfDocument(str(out))
    assert pdf.count_attachments() == 1
    attached = json.loads(bytes(pdf.get_attachment(0).get_data()))
    assert econ.parse_scenario(attached) == econ.load_scenario(scenario)


def test_the_html_is_small_page_wide_and_links_the_scenario_json(tmp_path):
    out = tmp_path / "report.html"
    assert main(["report", str(DEFAULT), "--out", str(out)]) == 0
    page = out.read_text()
    assert len(page.encode()) < 60_000  # the old report was 4.9 MB, two thirds of it the scenario's JSON
    assert "max-width: 182mm" in page and "size: A4" in page and "<script" not in page
    assert not any(marker in page for marker in ('"points"', '"schema_version"', '"requests_per_day"'))
    beside = tmp_path / "report.scenario.json"
    assert 'href="report.scenario.json"' in page
    assert econ.load_scenario(beside) == econ.load_scenario(DEFAULT)
    assert "<svg" in page and "payback 2.3 months" in page  # the cumulative-cost chart, payback marked
    assert page.count("<tr><td>") >= 3 + 8  # three tornado drivers and the eight headline rows
    assert "ESTIMATED profile" in page  # the assumptions say the capacities are estimates


def test_a_report_path_that_is_neither_html_nor_pdf_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["report", str(TEMPLATE), "--out", str(tmp_path / "report.docx")]) == 2
    expected = f"error: --out: {tmp_path / 'report.docx'} must end in .html or .pdf"
    assert capsys.readouterr().err.strip() == expected


def test_a_portfolio_report_adds_the_ranked_tasks_on_the_same_two_pages(tmp_path, capsys):
    out = tmp_path / "portfolio.pdf"
    usage = ROOT / "examples" / "usage.csv"
    assert main(["report", str(TEMPLATE), "--usage", str(usage), "--out", str(out)]) == 0
    capsys.readouterr()
    texts, images = pdf_text_and_images(out)
    assert 1 <= len(texts) <= 2
    for image in images:
        assert (image < 128).mean() > 0.005 and (image > 250).mean() > 0.6
    text = " ".join(" ".join(texts).split())
    assert "Portfolio: the ranked tasks" in text and text.index("Headline") < text.index("Portfolio")
    result = econ.screen(econ.load_usage(usage), econ.load_scenario(TEMPLATE))
    # every task in rank order, with the screen's own verdict words and NPVs
    positions = [text.index(f"{rank} {t.task} {t.verdict_label} {econ.io.formats.usd(t.npv_p10_usd)} "
                            f"{econ.io.formats.usd(t.npv_usd)}")
                 for rank, t in enumerate(result.tasks, start=1)]
    assert positions == sorted(positions)
    assert f"NPV {econ.io.formats.usd(result.distil_npv_usd)}" in text
    assert not any(marker in text for marker in JSON_DUMP_MARKERS)
