"""The published benchmark tables come from committed results: bench/published/*.json and the pages showing them
(bench/README.md, CONTRIBUTING.md) agree.

No Docker: it reads the committed JSON, renders it with bench/publish and compares; `bench/run --publish` with
too few runs is refused while the options are read, before tools/setup or any docker call.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bench import publish, report
from bench.figures import KEYS

REPO = Path(__file__).resolve().parents[1]
MACHINE_KEYS = ("cpus", "docker", "kernel", "commit", "base_images")


def published(kind: str, folder: Path = publish.PUBLISHED) -> dict:
    results = publish.load(kind, folder)
    if results is None:
        pytest.fail(
            f"{folder / publish.SOURCES[kind]} is missing: publish a real run with `bench/run --publish` "
            "(and `bench/run --snapshots --publish`) and commit it"
        )
    return results


def section_mismatches(folder: Path = publish.PUBLISHED, root: Path = REPO) -> list[str]:
    """The generated sections that differ from what bench/publish renders from `folder`'s JSON."""
    for kind in publish.SOURCES:
        published(kind, folder)
    rendered = publish.sections(folder)
    return [name for name in publish.SECTIONS if publish.current(name, root) != rendered[name]]


def serving_problems(results: dict) -> list[str]:
    """What the published serving run lacks: 5+ full runs per figure, the machine, the versions, load memory."""
    problems = [f"machine: no {key}" for key in MACHINE_KEYS if not results.get("machine", {}).get(key)]
    if results.get("settings", {}).get("quick"):
        problems.append("settings: a --quick run")
    if set(results.get("templates", {})) != {"python", "node"}:
        problems.append(f"templates: {sorted(results.get('templates', {}))}, not python and node")
    for runtime, template in results.get("templates", {}).items():
        for kind in ("ours", "baseline"):
            samples = template[kind]["samples"]
            if len(samples) < publish.MIN_RUNS:
                problems.append(f"{runtime} {kind}: {len(samples)} runs, not {publish.MIN_RUNS}+")
            missing = sorted({key for sample in samples for key in KEYS if key not in sample})
            if missing:
                problems.append(f"{runtime} {kind}: a run lacks {missing}")
            if not template.get("versions", {}).get(kind):
                problems.append(f"{runtime}: no versions for {kind}")
        for name, row in template.get("variants", {}).items():
            if any("load_memory_mb" not in sample for sample in row["samples"]):
                problems.append(f"{runtime} {name}: a run lacks load_memory_mb")
    return problems


def snapshot_problems(snapshots: dict) -> list[str]:
    problems = [f"machine: no {key}" for key in MACHINE_KEYS if not snapshots.get("machine", {}).get(key)]
    if snapshots.get("quick"):
        problems.append("a --quick run")
    if set(snapshots.get("templates", {})) != {"python", "node"}:
        problems.append(f"templates: {sorted(snapshots.get('templates', {}))}, not python and node")
    return problems


def test_the_pages_hold_what_the_committed_results_render():
    mismatched = section_mismatches()
    assert not mismatched, f"Sections {mismatched} differ from bench/published/*.json: run `bench/run --readme`"


def test_the_published_serving_run_is_complete():
    problems = serving_problems(published("serving"))
    assert not problems, "bench/published/serving.json: " + "; ".join(problems)


def test_the_published_snapshot_run_is_complete():
    problems = snapshot_problems(published("snapshots"))
    assert not problems, "bench/published/snapshots.json: " + "; ".join(problems)


@pytest.mark.parametrize(
    "options", [["--publish", "--quick"], ["--publish", "--runs", "3"], ["--publish", "--only", "node"]]
)
def test_publishing_a_short_run_is_refused_in_one_line(options):
    result = subprocess.run(
        [str(REPO / "bench" / "run"), *options], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    said = (result.stdout + result.stderr).strip().splitlines()
    assert result.returncode != 0 and len(said) == 1 and "--publish" in said[0], said
    assert "Traceback" not in result.stderr


def _template(runtime: str, figures: dict[str, tuple[list[float], list[float]]]) -> dict:
    """A template's raw samples: figure -> (ours' runs, the baseline's runs)."""
    runs = max(len(ours) for ours, _ in figures.values())
    samples = {
        kind: [{key: values[side][run] for key, values in figures.items()} for run in range(runs)]
        for side, kind in enumerate(("ours", "baseline"))
    }
    template = {"runtime": runtime, "notes": [], **{kind: {"samples": samples[kind]} for kind in samples}}
    return report.summarize(template)


def _row(template: dict, key: str) -> tuple[dict, str]:
    target = next(target for target in template["targets"] if target["figure"] == key)
    label = next(figure.label for figure in report.FIGURES if figure.key == key)
    line = next(line for line in report.template_table(template) if line.startswith(f"| {label} "))
    return target, line


def test_a_median_that_wins_over_overlapping_runs_is_not_met():
    template = _template("python", {"health_rps": ([100, 110, 120], [90, 105, 115])})
    target, line = _row(template, "health_rps")
    assert target["missed_by"] == 0 and not target["met"] and target["spread"] == "runs overlap"
    assert "≥ baseline: median met, **runs overlap**" in line
    assert "| 110 (100–120) | 105 (90–115) |" in line


def test_runs_apart_in_the_winning_direction_meet_a_ratio_target():
    template = _template("python", {"health_rps": ([120, 130, 140], [90, 100, 110])})
    target, line = _row(template, "health_rps")
    assert target["met"] and line.endswith("| ≥ baseline: met |")


def test_an_at_most_ratio_target_needs_every_run_of_ours_below_the_baseline():
    template = _template("python", {"dependency_rebuild_s": ([1.0, 1.1, 3.0], [2.9, 3.0, 3.1])})
    target, line = _row(template, "dependency_rebuild_s")
    assert target["value"] < 0.5 and not target["met"] and "median met, **runs overlap**" in line
    apart = _template("python", {"dependency_rebuild_s": ([1.0, 1.1, 1.2], [2.9, 3.0, 3.1])})
    assert _row(apart, "dependency_rebuild_s")[0]["met"]


def test_one_run_says_its_spread_is_unknown_and_the_median_decides():
    template = _template("python", {"route_rps": ([160], [100])})
    target, line = _row(template, "route_rps")
    assert target["met"] and "≥ 1.5x baseline: met (1 run: spread unknown)" in line


def test_node_stop_counts_its_worst_run():
    template = _template("node", {"stop_s": ([0.3, 0.4, 1.2], [0.5, 0.6, 0.7])})
    target, line = _row(template, "stop_s")
    assert target["value"] == 1.2 and not target["met"]
    assert "< 1 s in every run: **missed by 0.200 s** (worst of 3 runs; met in 2 of 3 runs)" in line
