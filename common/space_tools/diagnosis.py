# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Why a build or a start failed, in one line with the fix: the first row of diagnoses.yml that the log (and the
Hub's errorMessage) matches. deploy, build and run print it above the log's last lines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

ROWS = yaml.safe_load(Path(__file__).with_name("diagnoses.yml").read_text(encoding="utf-8"))
LOGS = {"build": ("build", "any"), "run": ("run", "any"), "api": ("api",)}
SCANNED_LINES = 2000  # a log's last lines that are read: long enough for pip's and Node's longest reports


@dataclass(frozen=True)
class Diagnosis:
    id: str
    cause: str
    fix: str

    def line(self) -> str:
        return f"cause: {self.cause}; fix: {self.fix}"


class _Blank(dict):
    """Fills a {name} the matching pattern did not capture with a neutral word."""

    def __missing__(self, key: str) -> str:
        return {"package": "a dependency", "requirement": "a requirement"}.get(key, key)


def _groups(match: re.Match) -> dict:
    return {k: v for k, v in match.groupdict().items() if v is not None}


def _in_backend(module: str | None, backend: Path | None) -> bool:
    top = (module or "").split(".")[0]
    return bool(top and backend and ((backend / top).is_dir() or (backend / f"{top}.py").is_file()))


def _found(row: dict, text: str, values: dict) -> dict | None:
    """The named groups of the first of `row`'s patterns that applies to `text` (with those its `capture` patterns
    find), or None."""
    flags = re.IGNORECASE | re.MULTILINE
    if not all(re.search(p, text, flags) for p in row.get("requires_any", [])):
        return None
    for pattern in row["match"]:
        for match in re.finditer(pattern, text, flags):
            groups = _groups(match)
            if "port_differs" in row and groups.get(row["port_differs"]) == str(values["app_port"]):
                continue
            if "declared" in row and groups.get(row["declared"]) not in values["declared"]:
                continue
            if "in_backend" in row and not _in_backend(groups.get(row["in_backend"]), values["backend"]):
                continue
            captured = (re.search(p, text, flags) for p in row.get("capture", []))
            return {**next((_groups(found) for found in captured if found), {}), **groups}
    return None


def diagnose(log: str, lines: list[str], *, settings=None, error_message: str = "") -> Diagnosis | None:
    """The cause of a failure whose `log` (build, run or api) ends with `lines`, or None when no row knows it."""
    text = "\n".join([error_message, *lines[-SCANNED_LINES:]])
    spec = settings.settings if settings is not None else {}
    values = {
        "app_port": spec.get("app_port", 7860),
        "startup": spec.get("startup_duration_timeout", "30m"),
        "declared": set(spec.get("variables", {})),
        "backend": getattr(settings, "backend_path", None) or getattr(settings, "code_dir", None),
    }
    for row in ROWS:
        if row["log"] not in LOGS[log]:
            continue
        groups = _found(row, text, values)
        if groups is not None:
            fill = _Blank({**values, **groups})
            return Diagnosis(row["id"], row["cause"].format_map(fill), row["fix"].format_map(fill))
    return None


def of(row_id: str) -> Diagnosis:
    """A row by its id, for a failure known without a log (the Hub's 402)."""
    row = next(r for r in ROWS if r["id"] == row_id)
    return Diagnosis(row_id, row["cause"], row["fix"])
