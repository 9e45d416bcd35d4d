"""Medians with min–max, ours/baseline ratios and targets, as a Markdown table and a JSON file."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from bench import machine
from bench.figures import BY_KEY, FIGURES, KEYS, NAGLE_STALL_MS, TARGETS, VARIANT_KEYS, Figure, Target

TITLES = {"python": "Python Space: FastAPI notes example", "node": "Node Space: Better Auth server example"}
ONE_RUN = "1 run: spread unknown"  # a ratio target's verdict then rests on the median alone


def spread(samples: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    """Median, min and max of every figure the samples hold (one older samples lack is left out)."""
    keys = dict.fromkeys(key for sample in samples for key in sample)
    values = {key: [sample[key] for sample in samples if isinstance(sample.get(key), int | float)] for key in keys}
    values = {key: found for key, found in values.items() if found}
    return {
        "median": {key: statistics.median(found) for key, found in values.items()},
        "min": {key: min(found) for key, found in values.items()},
        "max": {key: max(found) for key, found in values.items()},
    }


def ratio(ours: float | None, baseline: float | None) -> float | None:
    return ours / baseline if ours is not None and baseline else None


def summarize(template: dict) -> dict:
    """Add median/min/max, ratios of medians and target verdicts to one template's raw samples (in place)."""
    for kind in ("ours", "baseline"):
        template[kind] |= spread(template[kind]["samples"])
    ours, baseline = template["ours"]["median"], template["baseline"]["median"]
    template["ratio"] = {key: ratio(ours.get(key), baseline.get(key)) for key in KEYS}
    template["targets"] = [judge(target, template) for target in TARGETS[template["runtime"]]]
    for row in template.get("variants", {}).values():
        row |= spread(row["samples"])
    return template


def _runs_of(template: dict, kind: str, key: str) -> list[float]:
    return [sample[key] for sample in template[kind]["samples"] if isinstance(sample.get(key), int | float)]


def judge(target: Target, template: dict) -> dict:
    """One target's verdict; `spread` says what the single runs add to the median (or why they can't)."""
    ours, baseline = _runs_of(template, "ours", target.key), _runs_of(template, "baseline", target.key)
    if target.on_ratio:
        value = template["ratio"][target.key]
    elif target.every_run:
        value = target.worst(ours) if ours else None
    else:
        value = template["ours"]["median"].get(target.key)
    gap = None if value is None else target.gap(value)
    met, note = gap == 0.0, ""
    if value is None:
        pass
    elif target.on_ratio and min(len(ours), len(baseline)) < 2:
        note = ONE_RUN
    elif target.on_ratio:
        apart = target.apart(ours, baseline)
        met, note = met and apart, "runs apart" if apart else "runs overlap"
    else:
        runs_met = sum(target.gap(run) == 0 for run in ours)
        note = f"met in {runs_met} of {_count(len(ours))}" if gap and runs_met else ""
        if target.every_run:
            note = f"worst of {_count(len(ours))}" + (f"; {note}" if note else "")
    return {"figure": target.key, "goal": target.text, "value": value, "met": met, "missed_by": gap, "spread": note}


def _count(runs: int) -> str:
    return "1 run" if runs == 1 else f"{runs} runs"


def number(value: float | None, digits: int) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def cell(stats: dict, key: str, digits: int) -> str:
    """`median (min–max)`; the median alone when every run gives the same figure at these digits."""
    median = stats.get("median", {}).get(key)
    if median is None:
        return "–"
    low, high = (number(stats.get(end, {}).get(key, median), digits) for end in ("min", "max"))
    text = number(median, digits)
    return text if low == high else f"{text} ({low}–{high})"


def _verdict(target: dict, figure: Figure, spec: Target | None) -> str:
    goal, note = target["goal"], target["spread"]
    if target["value"] is None:
        return f"{goal}: not measured"
    if target["met"]:
        return f"{goal}: met" + (f" ({note})" if note == ONE_RUN else "")
    if target["missed_by"] == 0:  # the median meets it, the runs don't bear it out
        return f"{goal}: median met, **runs overlap**"
    unit = "x" if spec and spec.on_ratio else f" {figure.unit}"
    return f"{goal}: **missed by {number(target['missed_by'], 3)}{unit}**" + (f" ({note})" if note else "")


def versions_line(versions: dict | None) -> str:
    """`Versions: ours python 3.13.5, uvicorn 0.38.0; baseline ...`, or "" when the run didn't record them."""
    versions = versions or {}
    parts = [
        f"{kind} " + ", ".join(f"{name} {version}" for name, version in versions[kind].items())
        for kind in ("ours", "baseline")
        if versions.get(kind)
    ]
    return "Versions: " + "; ".join(parts) + "." if parts else ""


def template_table(template: dict) -> list[str]:
    by_figure = {target["figure"]: target for target in template["targets"]}
    specs = {target.key: target for target in TARGETS.get(template["runtime"], ())}
    lines = [
        f"### {TITLES[template['runtime']]}",
        "",
        "| figure | ours | baseline | ours/baseline (median ratio) | target |",
        "|---|---:|---:|---:|---|",
    ]
    for figure in FIGURES:
        target = by_figure.get(figure.key)
        lines.append(
            f"| {figure.label} ({figure.unit}) | {cell(template['ours'], figure.key, figure.digits)} | "
            f"{cell(template['baseline'], figure.key, figure.digits)} | "
            f"{number(template['ratio'].get(figure.key), 2)} | "
            f"{_verdict(target, figure, specs.get(figure.key)) if target else ''} |"
        )
    versions = versions_line(template.get("versions"))
    lines += ["", versions, ""] if versions else [""]
    lines += [f"- {note}" for note in template["notes"]]
    for kind in ("ours", "baseline"):
        for route in ("health", "route"):
            errors = sum(sample.get(f"{route}_errors", 0) for sample in template[kind]["samples"])
            if errors:
                total = sum(sample.get(f"{route}_requests", 0) for sample in template[kind]["samples"])
                lines.append(
                    f"- {kind}, {route}: {errors:,} of {total:,} requests failed (non-2xx or socket "
                    "errors); its requests/s counts them."
                )
    for kind in ("ours", "baseline"):
        limited = [one for one in template[kind]["samples"] if one.get("health_single_client_then", 200) != 200]
        if limited:
            sample = limited[0]
            lines.append(
                f"- {kind}: one client address got {sample['health_single_client_ok']} health answers in a "
                f"row, then HTTP {sample['health_single_client_then']}: a per-IP rate limit covers the "
                "health path."
            )
    if "variants" in template:
        lines += ["", *variants_table(template["variable_title"], template["variants"])]
    return lines


VARIANT_HEADER = (
    "| ours with | idle memory (MB) | load memory (MB) | health req/s | health p50 (ms) | health p99 (ms) | "
    "route req/s | route p50 (ms) | route p99 (ms) |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|"
)
NAGLE_NOTE = (
    "- With several workers every keep-alive request waits ~40 ms: uvicorn's multi-process mode hands the workers "
    "a listening socket without TCP_NODELAY, so Nagle's algorithm meets the client's delayed ACK "
    "(Kludex/uvicorn#3149, open). Any client or proxy that reuses connections sees it."
)


def variants_table(title: str, variants: dict) -> list[str]:
    lines = [f"{title[0].upper()}{title[1:]}:", "", *VARIANT_HEADER.splitlines()]
    for name, row in variants.items():
        label = f"`{name}`" + (" (image default)" if row["image_default"] else "")
        values = " | ".join(cell(row, key, BY_KEY[key].digits) for key in VARIANT_KEYS)
        lines.append(f"| {label} | {values} |")
    one = variants.get("WEB_CONCURRENCY=1")
    more = [row for name, row in variants.items() if name.startswith("WEB_CONCURRENCY=") and row is not one]
    if one and any(
        row["median"]["health_p50_ms"] >= NAGLE_STALL_MS > 4 * one["median"]["health_p50_ms"] for row in more
    ):
        lines += ["", NAGLE_NOTE]
    return lines


def markdown(results: dict) -> str:
    settings = results["settings"]
    lines = [
        f"Machine: {machine.summary(results['machine'])}.",
        "",
        (
            f"{_runs(settings['runs'])}. Load: wrk on 127.0.0.1, {settings['load_seconds']} s "
            f"after a {settings['warmup_seconds']} s warm-up, {settings['connections']} connections, "
            f"{settings['threads']} threads. Cold build: {settings['cold_build']}."
        ),
        "",
    ]
    for template in results["templates"].values():
        lines += [*template_table(template), ""]
    return "\n".join(lines).rstrip() + "\n"


def _runs(runs: int) -> str:
    if runs == 1:
        return "1 run per figure (spread unknown)"
    return (
        f"Median and, in brackets, min–max of {runs} runs per figure (the median alone when every run gave it); "
        "ours and the baseline take turns going first in each run; ratios are of the medians"
    )


def write(results: dict, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    table, data = folder / "latest.md", folder / "latest.json"
    table.write_text(markdown(results))
    data.write_text(json.dumps(results, indent=2, sort_keys=False) + "\n")
    return table, data
