"""Medians, ours/baseline ratios and targets, as a Markdown table and a JSON file."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from bench import machine
from bench.figures import FIGURES, KEYS, NAGLE_STALL_MS, TARGETS, VARIANT_KEYS, Figure, Target

TITLES = {"python": "Python Space: FastAPI notes example", "node": "Node Space: Better Auth server example"}


def medians(samples: list[dict[str, float]]) -> dict[str, float]:
    keys = samples[0].keys() if samples else ()
    return {key: statistics.median(sample[key] for sample in samples) for key in keys}


def ratio(ours: float, baseline: float) -> float | None:
    return ours / baseline if baseline else None


def summarize(template: dict) -> dict:
    """Add medians, ratios and target verdicts to one template's raw samples (in place); returns it."""
    for kind in ("ours", "baseline"):
        template[kind]["median"] = medians(template[kind]["samples"])
    ours, baseline = template["ours"]["median"], template["baseline"]["median"]
    template["ratio"] = {key: ratio(ours[key], baseline[key]) for key in KEYS}
    template["targets"] = []
    for target in TARGETS[template["runtime"]]:
        value = template["ratio"][target.key] if target.on_ratio else ours[target.key]
        gap = None if value is None else target.gap(value)
        verdict = {"figure": target.key, "goal": target.text, "value": value, "met": gap == 0.0, "missed_by": gap}
        template["targets"].append({**verdict, "spread": _spread(target, template) if gap else ""})
    for row in template.get("variants", {}).values():
        row["median"] = medians(row["samples"])
    return template


def _spread(target: Target, template: dict) -> str:
    """For a missed target: whether single runs tell another story (a median can miss by less than the noise)."""
    ours = [sample[target.key] for sample in template["ours"]["samples"]]
    if target.on_ratio:
        baseline = [sample[target.key] for sample in template["baseline"]["samples"]]
        overlap = len(ours) > 1 and max(ours) >= min(baseline) and max(baseline) >= min(ours)
        return "the runs of both overlap" if overlap else ""
    met = sum(target.gap(value) == 0 for value in ours)
    return f"met in {met} of {len(ours)} runs" if met else ""


def _number(value: float | None, digits: int) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def _verdict(target: dict, figure: Figure) -> str:
    if target["value"] is None:
        return f"{target['goal']}: not measured"
    if target["met"]:
        return f"{target['goal']}: met"
    unit = "" if "ratio" in target["goal"] else f" {figure.unit}"
    spread = f" ({target['spread']})" if target["spread"] else ""
    return f"{target['goal']}: **missed by {_number(target['missed_by'], 3)}{unit}**{spread}"


def template_table(template: dict) -> list[str]:
    by_figure = {target["figure"]: target for target in template["targets"]}
    lines = [
        f"### {TITLES[template['runtime']]}",
        "",
        "| figure | ours | baseline | ours/baseline | target |",
        "|---|---:|---:|---:|---|",
    ]
    ours, baseline = template["ours"]["median"], template["baseline"]["median"]
    for figure in FIGURES:
        target = by_figure.get(figure.key)
        lines.append(
            f"| {figure.label} ({figure.unit}) | {_number(ours[figure.key], figure.digits)} | "
            f"{_number(baseline[figure.key], figure.digits)} | {_number(template['ratio'][figure.key], 2)} | "
            f"{_verdict(target, figure) if target else ''} |"
        )
    lines.append("")
    lines += [f"- {note}" for note in template["notes"]]
    for kind in ("ours", "baseline"):
        for route in ("health", "route"):
            errors = sum(sample[f"{route}_errors"] for sample in template[kind]["samples"])
            if errors:
                total = sum(sample[f"{route}_requests"] for sample in template[kind]["samples"])
                lines.append(
                    f"- {kind}, {route}: {errors:,} of {total:,} requests failed (non-2xx or socket "
                    "errors); its requests/s counts them."
                )
    for kind in ("ours", "baseline"):
        limited = [sample for sample in template[kind]["samples"] if sample["health_single_client_then"] != 200]
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
    "| ours with | idle memory (MB) | health req/s | health p50 (ms) | health p99 (ms) | route req/s | "
    "route p50 (ms) | route p99 (ms) |\n|---|---:|---:|---:|---:|---:|---:|---:|"
)
NAGLE_NOTE = (
    "- With several workers every keep-alive request waits ~40 ms: uvicorn's multi-process mode hands the workers "
    "a listening socket without TCP_NODELAY, so Nagle's algorithm meets the client's delayed ACK "
    "(Kludex/uvicorn#3149, open). Any client or proxy that reuses connections sees it."
)


def variants_table(title: str, variants: dict) -> list[str]:
    lines = [f"{title[0].upper()}{title[1:]}:", "", *VARIANT_HEADER.splitlines()]
    digits = {key: 2 if key.endswith("_ms") else 0 if key.endswith("rps") else 1 for key in VARIANT_KEYS}
    for name, row in variants.items():
        label = f"`{name}`" + (" (image default)" if row["image_default"] else "")
        values = " | ".join(_number(row["median"][key], digits[key]) for key in VARIANT_KEYS)
        lines.append(f"| {label} | {values} |")
    one = variants.get("WEB_CONCURRENCY=1")
    more = [row for name, row in variants.items() if name.startswith("WEB_CONCURRENCY=") and row is not one]
    if one and any(row["median"]["health_p50_ms"] >= NAGLE_STALL_MS > 4 * one["median"]["health_p50_ms"] for row in more):
        lines += ["", NAGLE_NOTE]
    return lines


def markdown(results: dict) -> str:
    settings = results["settings"]
    lines = [
        f"Machine: {machine.summary(results['machine'])}.",
        "",
        (
            f"Medians of {settings['runs']} run(s) per figure; load: wrk on 127.0.0.1, {settings['load_seconds']} s "
            f"after a {settings['warmup_seconds']} s warm-up, {settings['connections']} connections, "
            f"{settings['threads']} threads. Cold build: {settings['cold_build']}."
        ),
        "",
    ]
    for template in results["templates"].values():
        lines += [*template_table(template), ""]
    return "\n".join(lines).rstrip() + "\n"


def write(results: dict, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    table, data = folder / "latest.md", folder / "latest.json"
    table.write_text(markdown(results))
    data.write_text(json.dumps(results, indent=2, sort_keys=False) + "\n")
    return table, data
