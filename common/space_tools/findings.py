# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""What the backend's own files say about the Space's answers: each finding names the answer, the value and
where it was read, so the summary can show the evidence and `check` can compare it with space.json."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Finding:
    answer: str  # the Copier answer (and space.json key) it decides
    value: object  # None: the backend says something, but no answer the template offers fits
    source: str  # where it was read, e.g. "app.py: app = FastAPI(...)"
    problem: str = ""  # why no value fits, and the fix


@dataclass
class Findings:
    items: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was seen that no answer decides (lock kind, workspace)
    warnings: list[str] = field(default_factory=list)  # code that would misbehave on Spaces

    def add(self, answer: str, value, source: str, problem: str = "") -> None:
        self.items.append(Finding(answer, value, source, problem))

    def get(self, answer: str) -> Finding | None:
        return next((item for item in self.items if item.answer == answer), None)

    def answers(self) -> dict:
        """The answers these findings give, for `copier update --data` or space.json."""
        return {item.answer: item.value for item in self.items if item.value is not None}

    def need_files(self, settings: dict, needs: list[str], why: str) -> None:
        """Files the code reads that no import brings (a migration folder, templates): backend_files gains the
        missing ones, with `why` (after what an earlier call found)."""
        earlier = self.get("backend_files")
        listed = list(earlier.value if earlier else settings.get("backend_files") or [])
        if settings.get("backend_path") and any(need not in listed for need in needs):
            if earlier:
                self.items.remove(earlier)
            self.add("backend_files", listed + [need for need in needs if need not in listed],
                     f"{earlier.source}; {why}" if earlier else why)
