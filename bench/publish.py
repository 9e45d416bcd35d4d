"""The published figures' one source of truth: bench/published/*.json, and the Markdown sections rendered from it.

`bench/run --publish` writes a full run's JSON there and calls `readmes()`; `bench/run --readme` only calls
`readmes()`, so a change to the formatter re-renders; tests/test_bench_published.py checks that both agree.
A generated section sits between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->`.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from bench import report, snapshot_cost
from bench.figures import BY_KEY

REPO = Path(__file__).resolve().parents[1]
PUBLISHED = Path(__file__).parent / "published"
MIN_RUNS = 5  # fewer runs give no spread worth publishing
SOURCES = {"serving": "serving.json", "snapshots": "snapshots.json"}  # kind: its file in PUBLISHED
SECTIONS = {  # section: (the page it sits in, relative to the repository; the JSON it is rendered from)
    "serving": ("bench/README.md", "serving"),
    "summary": ("CONTRIBUTING.md", "serving"),
    "snapshots": ("CONTRIBUTING.md", "snapshots"),
}
# CONTRIBUTING.md's short table: (runtime, figure, row label, "worst" for the worst run instead of median (min–max))
SUMMARY = (
    ("python", "added_mb", "Python: added on the base image (MB)", ""),
    ("python", "dependency_rebuild_s", "Python: rebuild after adding a dependency (s)", ""),
    ("python", "route_rps", "Python: real route, requests/s", ""),
    ("python", "route_p99_ms", "Python: real route, p99 latency (ms)", ""),
    ("node", "added_mb", "Node: added on the base image (MB)", ""),
    ("node", "first_200_s", "Node: `docker run` to first health 200 (s)", ""),
    ("node", "health_rps", "Node: health path, requests/s", ""),
    ("node", "stop_s", "Node: `docker stop` right after the load, worst run (s)", "worst"),
    ("node", "load_memory_mb", "Node: memory under load, peak (MB)", ""),
)


def markers(name: str) -> tuple[str, str]:
    return f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"


def write(kind: str, results: dict, folder: Path = PUBLISHED) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SOURCES[kind]
    path.write_text(json.dumps(results, indent=2) + "\n")
    return path


def load(kind: str, folder: Path = PUBLISHED) -> dict | None:
    path = folder / SOURCES[kind]
    return json.loads(path.read_text()) if path.exists() else None


def summarized(results: dict) -> dict:
    """A copy with medians, spreads and verdicts computed again from the samples: the current rules decide."""
    results = copy.deepcopy(results)
    for template in results["templates"].values():
        report.summarize(template)
    return results


def serving_section(results: dict) -> str:
    return report.markdown(summarized(results)).rstrip()


def summary_section(results: dict) -> str:
    results = summarized(results)
    machine, runs = results["machine"], results["settings"]["runs"]
    lines = [
        f"From the published run of {machine['date']} (commit `{machine.get('commit', 'unknown')}`, "
        f"{machine['cpus']} CPUs, Docker {machine['docker']}): median and, in brackets, min–max of {runs} runs, "
        "ours and the baseline taking turns; [bench/README.md](bench/README.md) has every figure, the method and "
        "the targets.",
        "",
        "| | ours | baseline |",
        "|---|---:|---:|",
    ]
    for runtime, key, label, how in SUMMARY:
        template, digits = results["templates"][runtime], BY_KEY[key].digits
        cells = [
            report.number(template[kind]["max"].get(key), digits) if how == "worst"
            else report.cell(template[kind], key, digits)
            for kind in ("ours", "baseline")
        ]  # fmt: skip
        lines.append(f"| {label} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines)


def snapshots_section(snapshots: dict) -> str:
    machine = snapshots["machine"]
    return (
        f"From the published run of {machine['date']} (commit `{machine.get('commit', 'unknown')}`; medians of "
        f"{snapshots['runs']} rounds; {machine['cpus']} CPUs, Docker {machine['docker']}; the bucket a local "
        "folder, so copy times to a real bucket mount come on top):\n\n"
        + snapshot_cost.markdown(snapshots["templates"])
    )


RENDER = {"serving": serving_section, "summary": summary_section, "snapshots": snapshots_section}


def sections(folder: Path = PUBLISHED) -> dict[str, str]:
    """Every section whose JSON is in `folder`, rendered."""
    found = {kind: load(kind, folder) for kind in SOURCES}
    return {name: RENDER[name](found[kind]) for name, (_, kind) in SECTIONS.items() if found[kind] is not None}


def current(name: str, root: Path = REPO) -> str:
    """What a README holds between a section's markers now."""
    text = (root / SECTIONS[name][0]).read_text()
    start, end = _span(text, name)
    return text[start:end].strip()


def splice(text: str, name: str, body: str) -> str:
    start, end = _span(text, name)
    return f"{text[:start]}\n\n{body}\n\n{text[end:]}"


def _span(text: str, name: str) -> tuple[int, int]:
    start, end = markers(name)
    if text.count(start) != 1 or text.count(end) != 1 or text.index(start) > text.index(end):
        raise RuntimeError(f"expected one {start} before one {end} in the page")
    return text.index(start) + len(start), text.index(end)


def readmes(folder: Path = PUBLISHED, root: Path = REPO) -> list[str]:
    """Render every section whose JSON exists into its README; one line per section saying what happened."""
    rendered, said = sections(folder), []
    for name, (readme, kind) in SECTIONS.items():
        if name not in rendered:
            said.append(f"{readme}: {name} left as it was ({folder / SOURCES[kind]} is missing)")
            continue
        path = root / readme
        path.write_text(splice(path.read_text(), name, rendered[name]))
        said.append(f"{readme}: {name} rendered from {folder / SOURCES[kind]}")
    return said
