"""bench/run's options and the order of the measurements."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench import load, machine, measures, node_example, publish, python_example, report, say, snapshot_cost, subjects
from bench.cleanup import Leftovers
from bench.subjects import Pair
from harness import docker, images

RESULTS = Path(__file__).parent / "results"
SETUP = Path(__file__).resolve().parents[1] / "tools" / "setup"
RUNS = 5
BASE_IMAGES = sorted({images.PYTHON_IMAGE, images.NODE_IMAGE})
PAIRS = {"python": python_example.prepare, "node": node_example.prepare}
RUNTIMES = tuple(PAIRS)
COLD_BUILD = (
    "`docker builder prune --all --force` (all BuildKit cache, uv/npm cache mounts included), then a build whose "
    "log shows no step reused"
)
QUICK_BUILD = "not cold: the build cache as it was (--quick)"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage block: a wrong option reads at a glance
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def parse(argv: list[str] | None) -> argparse.Namespace:
    """The options, checked before anything touches apt or the Docker engine."""
    parser = _Parser(
        prog="bench/run",
        description="Build and run each template's image on the example backend next to the Dockerfile a user "
        "would otherwise write; print a Markdown table and write it, with a JSON file, to bench/results/.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="1 run, 1 s load at 8 connections, no warm-up (a smoke test: the figures are rough)"
    )
    parser.add_argument(
        "--runs",
        type=int,
        help=f"runs per figure, ours and the baseline taking turns; median and min–max reported (default {RUNS}; "
        "1 with --quick)",
    )
    parser.add_argument("--only", choices=RUNTIMES, help="one template only")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder for latest.md and latest.json")
    parser.add_argument(
        "--snapshots",
        action="store_true",
        help="instead: what storage=bucket costs (snapshot and restore time, bytes, CPU, the pause "
        "a writer sees), written to snapshots.md and snapshots.json",
    )
    parser.add_argument(
        "--publish",
        action="store_true",
        help=f"after a full run (both templates, {publish.MIN_RUNS}+ runs): write its JSON to "
        "bench/published/ (serving.json, or snapshots.json with --snapshots) and render the tables "
        "in bench/README.md and CONTRIBUTING.md from it",
    )
    parser.add_argument(
        "--readme",
        action="store_true",
        help="measure nothing: render the published tables again from bench/published/*.json",
    )
    args = parser.parse_args(argv)
    if args.readme and (args.quick or args.runs is not None or args.only or args.snapshots or args.publish
                        or args.out != RESULTS):  # fmt: skip
        parser.error("--readme takes no other option")
    if args.runs is not None and args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.publish and args.quick:
        parser.error("--publish needs a full run, not --quick")
    if args.publish and args.only:
        parser.error("--publish needs both templates, not --only")
    if args.publish and args.runs is not None and args.runs < publish.MIN_RUNS:
        parser.error(f"--publish needs at least {publish.MIN_RUNS} runs, not --runs {args.runs}")
    args.runs = args.runs or (1 if args.quick else RUNS)
    # --quick proves every figure is measured, not what it is: the shortest load wrk runs, no warm-up
    args.load = load.Load(seconds=1, connections=8, threads=2, warmup=0, idle=0.5) if args.quick else load.Load()
    return args


def main(argv: list[str] | None = None) -> int:
    try:
        return _run(parse(argv))
    except KeyboardInterrupt:
        say("interrupted; its containers, images and scratch folder are removed")
        return 130
    except (docker.DockerError, RuntimeError) as error:
        say(f"failed: {error}")
        return 1


def _setup() -> None:
    """tools/setup (apt packages, the Docker engine, base images): only for a run that measures."""
    done = subprocess.run([str(SETUP)], stdout=sys.stderr, check=False)
    if done.returncode:
        raise RuntimeError(f"tools/setup failed (exit {done.returncode})")


def _readme() -> int:
    said = publish.readmes()
    print("\n".join(said))
    return 0 if any("rendered" in line for line in said) else 1


def _publish(kind: str, results: dict) -> None:
    say(f"published {publish.write(kind, results)}")
    for line in publish.readmes():
        say(line)


def _snapshots(args: argparse.Namespace) -> int:
    runs = (snapshot_cost.QUICK if args.quick else snapshot_cost.FULL)["runs"]
    results = {"machine": machine.describe(BASE_IMAGES), "quick": args.quick, "runs": runs, "templates": {}}
    with Leftovers() as leftovers:
        workspace = leftovers.folder(Path(tempfile.mkdtemp(prefix="hf-space-bench-")))
        for runtime in [args.only] if args.only else list(RUNTIMES):
            subjects.require_template(runtime)
            measured = snapshot_cost.measure(runtime, workspace / runtime, leftovers, quick=args.quick)
            results["templates"][runtime] = measured
    table = snapshot_cost.markdown(results["templates"])
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "snapshots.md").write_text(table + "\n")
    (args.out / "snapshots.json").write_text(json.dumps(results, indent=2) + "\n")
    print(table)
    if args.publish:
        _publish("snapshots", results)
    return 0


def _run(args: argparse.Namespace) -> int:
    if args.readme:
        return _readme()
    _setup()
    if args.snapshots:
        return _snapshots(args)
    runtimes = [args.only] if args.only else list(RUNTIMES)
    load.wrk()  # fail now, not after the builds
    session = uuid.uuid4().hex[:8]
    started = time.monotonic()
    results = {
        "machine": machine.describe(BASE_IMAGES),
        "settings": {
            "runs": args.runs,
            "quick": args.quick,
            "load_seconds": args.load.seconds,
            "warmup_seconds": args.load.warmup,
            "connections": args.load.connections,
            "threads": args.load.threads,
            "cold_build": QUICK_BUILD if args.quick else COLD_BUILD,
        },
        "templates": {},
    }
    with Leftovers() as leftovers:
        workspace = leftovers.folder(Path(tempfile.mkdtemp(prefix="hf-space-bench-")))
        for runtime in runtimes:
            say(f"{runtime}: preparing the Space and the baseline in {workspace / runtime}")
            subjects.require_template(runtime)
            pair = PAIRS[runtime](workspace / runtime)
            results["templates"][runtime] = report.summarize(_measure(pair, args, leftovers, session))
    results["seconds"] = round(time.monotonic() - started, 1)
    table, data = report.write(results, args.out)
    print()
    print(report.markdown(results))
    print(f"Written to {table} and {data} in {results['seconds']:.0f} s.")
    if args.publish:
        _publish("serving", results)
    return 0


def _measure(pair: Pair, args: argparse.Namespace, leftovers: Leftovers, session: str) -> dict:
    template = {"runtime": pair.runtime, "route": pair.route.describe(), "notes": pair.notes,
                "variable_title": pair.variable_title}  # fmt: skip
    for subject in pair.subjects:
        template[subject.kind] = {"health_path": subject.health_path, "samples": []}
    images: dict[str, str] = {}
    for run in range(args.runs):
        for subject in _order(pair, run):
            say(f"{subject.name}: builds, run {run + 1}/{args.runs}")
            figures, tag = measures.builds(pair, subject, leftovers, session, cold=not args.quick)
            template[subject.kind]["samples"].append(figures)
            if subject.kind in images:
                leftovers.drop_image(images[subject.kind])
            images[subject.kind] = tag
    template["versions"] = {
        subject.kind: subject.versions(images[subject.kind]) if subject.versions else {} for subject in pair.subjects
    }
    for run in range(args.runs):
        for subject in _order(pair, run):
            say(f"{subject.name}: serving, run {run + 1}/{args.runs}")
            template[subject.kind]["samples"][run] |= measures.serving(
                pair, subject, images[subject.kind], args.load, leftovers
            )
    if pair.variable:
        template["variants"] = _variants(pair, images["ours"], template["ours"]["samples"], args, leftovers)
    return template


def _variants(pair: Pair, image: str, shipped: list[dict], args: argparse.Namespace, leftovers: Leftovers) -> dict:
    """Ours served with each of `pair.values` for `pair.variable`; the value it ships with reuses the main runs."""
    env = dict(item.split("=", 1) for item in docker.inspect_image(image)["Config"]["Env"])
    shipped_value = pair.shipped or env.get(pair.variable)
    rows = {}
    for value in pair.values:
        if shipped_value == value:
            rows[f"{pair.variable}={value}"] = {"image_default": True, "samples": shipped}
            continue
        samples = []
        for run in range(args.runs):
            say(f"{pair.ours.name}: {pair.variable}={value}, run {run + 1}/{args.runs}")
            samples.append(measures.serving(pair, pair.ours, image, args.load, leftovers, env={pair.variable: value}))
        rows[f"{pair.variable}={value}"] = {"image_default": False, "samples": samples}
    return rows


def _order(pair: Pair, run: int) -> tuple:
    """Alternate which image goes first, so a slow drift of the machine doesn't favour one."""
    return pair.subjects if run % 2 == 0 else pair.subjects[::-1]
