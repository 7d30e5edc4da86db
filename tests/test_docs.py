"""The manual cannot rot: every ```bash and ```python block of README.md and docs/*.md runs and exits as
it says, and every relative link points to a file (and heading) that exists.

The convention is docs/index.md's "How these pages are tested": a page's blocks run in order, in one
scratch folder that stands for the repository root (the code and `.venv` linked, `examples/` copied), so
outputs never land in the checkout; a `# exit N` line makes N the block's expected exit code. The pages
run side by side (each page in order), one worker per core.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUN_LANGUAGES = ("bash", "python")
# The scratch folder links every top-level entry of the checkout (read, never written) except these, and
# copies COPIED (scripts there rewrite it); `.venv` is the environment running the tests.
NOT_LINKED = (".git", ".venv", ".pytest_cache", ".ruff_cache", ".hypothesis", "__pycache__")
COPIED = ("examples",)
BLOCK_TIMEOUT_S = 300
FRONT_PAGE_MAX_BYTES = 5_000
FENCE = re.compile(r"^(`{3,})([\w+-]*)\s*$")
EXPECTED_EXIT = re.compile(r"^# exit (\d+)\s*$", re.MULTILINE)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
INLINE_CODE = re.compile(r"(`+).*?\1")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced block: where it starts (1-based line of the fence) and what it holds."""

    page: Path
    line: int
    language: str
    text: str

    @property
    def expected_exit(self) -> int:
        found = EXPECTED_EXIT.search(self.text)
        return int(found.group(1)) if found else 0

    @property
    def where(self) -> str:
        name = self.page.relative_to(ROOT) if self.page.is_relative_to(ROOT) else self.page.name
        return f"{name}:{self.line}"


@dataclass(frozen=True)
class BlockRun:
    block: Block
    returncode: int
    output: str

    @property
    def failure(self) -> str | None:
        """None when the block exited as expected, else what to show."""
        if self.returncode == self.block.expected_exit:
            return None
        return (f"{self.block.where}: ```{self.block.language} block exited {self.returncode}, expected "
                f"{self.block.expected_exit}\n{self.block.text}\n--- its output (last 4,000 characters) ---\n"
                f"{self.output[-4000:]}")


def fenced_blocks(page: Path) -> list[Block]:
    """Every fenced block of a Markdown file, top-level fences only (``` or longer, closed by the same)."""
    blocks, lines = [], page.read_text().splitlines()
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        fence, language, start = opening.group(1), opening.group(2), i
        i += 1
        body = []
        while i < len(lines) and lines[i].strip() != fence:
            body.append(lines[i])
            i += 1
        blocks.append(Block(page, start + 1, language, "\n".join(body) + "\n"))
        i += 1
    return blocks


def prose(page: Path) -> list[tuple[int, str]]:
    """(line number, text) of the lines outside fenced blocks, inline code removed."""
    inside, out = None, []
    for number, line in enumerate(page.read_text().splitlines(), start=1):
        opening = FENCE.match(line)
        if inside is None and opening:
            inside = opening.group(1)
        elif inside is not None and line.strip() == inside:
            inside = None
        elif inside is None:
            out.append((number, INLINE_CODE.sub("", line)))
    return out


def venv_root() -> Path:
    """The virtual environment running the tests (what `.venv/bin/python` must be in the scratch folder)."""
    if sys.prefix != sys.base_prefix:
        return Path(sys.prefix)
    return ROOT / ".venv"


def scratch_root(folder: Path) -> Path:
    """A folder that stands for the repository root: the code linked, the examples copied."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".venv").symlink_to(venv_root(), target_is_directory=True)
    for entry in ROOT.iterdir():
        if entry.name not in NOT_LINKED + COPIED:
            (folder / entry.name).symlink_to(entry)
    for name in COPIED:
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def run_block(block: Block, cwd: Path) -> BlockRun:
    env = {**os.environ, "PATH": f"{cwd / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}
    if block.language == "bash":
        argv = ["bash", "-e", "-o", "pipefail", "-c", block.text]
    else:
        argv = [str(cwd / ".venv" / "bin" / "python"), "-c", block.text]
    try:
        done = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, timeout=BLOCK_TIMEOUT_S, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        return BlockRun(block, -1, f"{exc.output or ''}\ntimed out after {BLOCK_TIMEOUT_S} s")
    return BlockRun(block, done.returncode, done.stdout)


def run_page(page: Path, cwd: Path) -> list[BlockRun]:
    """The page's runnable blocks in order in `cwd`, up to the first that does not exit as expected."""
    runs = []
    for block in fenced_blocks(page):
        if block.language in RUN_LANGUAGES:
            runs.append(run_block(block, cwd))
            if runs[-1].failure:
                break
    return runs


def checkout_state() -> str:
    """`git status` of the checkout ("" outside a git checkout): what writing into it would change."""
    try:
        done = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        return ""
    return done.stdout if done.returncode == 0 else ""


@dataclass(frozen=True)
class PageRuns:
    checkout_before: str
    runs: dict[str, Future]  # page name -> its BlockRuns


@pytest.fixture(scope="module")
def page_runs(tmp_path_factory):
    """Every page run side by side, each in its own scratch folder, and the checkout's state before."""
    before = checkout_state()
    with ThreadPoolExecutor(max_workers=max(1, min(len(PAGES), os.cpu_count() or 1))) as workers:
        runs = {page.name: workers.submit(run_page, page, scratch_root(tmp_path_factory.mktemp(page.stem)))
                for page in PAGES}
        yield PageRuns(before, runs)


@pytest.mark.parametrize("page", [p.name for p in PAGES])
def test_every_documented_command_runs(page_runs, page):
    failures = [r.failure for r in page_runs.runs[page].result() if r.failure]
    assert failures == [], "\n\n".join(failures)


def test_running_the_docs_writes_nothing_into_the_checkout(page_runs):
    for done in page_runs.runs.values():
        done.result()
    assert checkout_state() == page_runs.checkout_before


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"\s", "-", re.sub(r"[^\w\- ]", "", text))


def anchors(page: Path) -> set[str]:
    """The anchors of a page's headings; a repeated heading gets -1, -2, ... as on GitHub."""
    counts: dict[str, int] = {}
    found = set()
    for _, line in prose(page):
        heading = HEADING.match(line)
        if heading:
            base = slug(heading.group(1))
            found.add(f"{base}-{counts[base]}" if base in counts else base)
            counts[base] = counts.get(base, 0) + 1
    return found


def broken_links(page: Path) -> list[str]:
    """Relative links of a page whose file, or whose #fragment's heading, does not exist."""
    broken = []
    for number, line in prose(page):
        for target in LINK.findall(line):
            if re.match(r"[a-z][a-z0-9+.-]*:", target):
                continue  # http:, https:, mailto:
            path_part, _, fragment = target.partition("#")
            path = (page.parent / path_part).resolve() if path_part else page
            if not path.exists():
                broken.append(f"{page.name}:{number}: {target}: no such file")
            elif fragment and path.suffix == ".md" and fragment not in anchors(path):
                broken.append(f"{page.name}:{number}: {target}: no heading #{fragment} in {path.name}")
    return broken


def test_every_relative_link_points_to_a_file_and_heading_that_exist():
    assert [b for page in PAGES for b in broken_links(page)] == []


def test_the_index_links_every_page_of_the_manual():
    index = ROOT / "docs" / "index.md"
    linked = {(index.parent / target.partition("#")[0]).resolve()
              for _, line in prose(index) for target in LINK.findall(line)}
    missing = [p.name for p in PAGES if p.parent == index.parent and p != index and p.resolve() not in linked]
    assert missing == [], "add these pages to docs/index.md"


def test_the_readme_is_a_front_page_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.encode()) < FRONT_PAGE_MAX_BYTES
    assert "make run" in readme and "make test" in readme
    assert "docs/index.md" in readme


# --- The checker checks: a broken command, a wrong exit code and a dead link are each caught ---------------

def test_a_failing_command_fails_its_page_and_stops_it(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("```bash\ntrue\n```\n\n"
                    "```bash\necho half\nfalse\necho never\n```\n\n"
                    "```bash\ntouch late\n```\n")
    runs = run_page(page, tmp_path)
    assert [r.returncode for r in runs] == [0, 1]  # the third block never ran
    assert "page.md:5: ```bash block exited 1, expected 0" in runs[1].failure
    assert "half" in runs[1].output and "never" not in runs[1].output and not (tmp_path / "late").exists()


def test_an_expected_exit_code_must_be_met_exactly(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("```bash\n# exit 2\nexit 2\n```\n\n```bash\n# exit 2\ntrue\n```\n\n```text\nfalse\n```\n")
    runs = run_page(page, tmp_path)
    assert [(r.returncode, r.failure is None) for r in runs] == [(2, True), (0, False)]


def test_a_failing_python_block_fails(tmp_path):
    scratch = scratch_root(tmp_path / "root")
    page = tmp_path / "page.md"
    page.write_text("```python\nimport econ\n"
                    "raise SystemExit(econ.evaluate(econ.example_scenario()).npv_usd < 0)\n```\n\n"
                    "```python\nimport econ\neconon.evaluate\n```\n")
    runs = run_page(page, scratch)
    assert runs[0].failure is None and "NameError" in runs[1].failure


def test_a_dead_link_or_heading_is_found(tmp_path):
    (tmp_path / "other.md").write_text("# Other page\n\n## A section: with punctuation\n")
    page = tmp_path / "page.md"
    page.write_text("[ok](other.md) [ok](other.md#a-section-with-punctuation) [web](https://example.com)\n"
                    "[gone](missing.md) [bad](other.md#nowhere) `[code](not-a-link.md)`\n"
                    "```text\n[in a block](also-not-a-link.md)\n```\n")
    assert broken_links(page) == ["page.md:2: missing.md: no such file",
                                  "page.md:2: other.md#nowhere: no heading #nowhere in other.md"]
