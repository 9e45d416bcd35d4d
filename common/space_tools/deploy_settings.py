# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The Space's own settings, kept as space.json says on every deploy: visibility, hardware and sleep time (its
bucket volume is deploy_storage's). A new Space is created with them; an existing one is changed where it differs,
and the plan says so before anything is changed."""

from __future__ import annotations

from dataclasses import dataclass, field

FREE_HARDWARE = "cpu-basic"  # sleeps after 48 h without visitors, whatever sleep_time says
HUB_DEFAULT_SLEEP = 0  # sleep_time 0: leave it as the Hub sets it


@dataclass(frozen=True)
class Wanted:
    visibility: str
    hardware: str
    sleep_time: int  # seconds; -1 never; 0 the Hub's default

    @property
    def managed_sleep(self) -> int | None:
        """The sleep time to set, or None where the Hub decides it (free hardware, or sleep_time 0)."""
        if self.hardware == FREE_HARDWARE or self.sleep_time == HUB_DEFAULT_SLEEP:
            return None
        return self.sleep_time

    def sleep_words(self) -> str:
        sleep = self.managed_sleep
        return ("after 48 h without visitors (cpu-basic)" if self.hardware == FREE_HARDWARE else
                "as the Hub sets it" if sleep is None else "never" if sleep == -1 else f"after {sleep} s")

    def described(self) -> str:
        return f"visibility {self.visibility}, hardware {self.hardware}, sleeps {self.sleep_words()}"


@dataclass
class SettingsPlan:
    visibility: str | None = None  # to set
    hardware: str | None = None
    sleep_time: int | None = None
    shown: list[str] = field(default_factory=list)  # "what: now -> wanted" for each change
    notes: list[str] = field(default_factory=list)

    @property
    def restarts(self) -> bool:
        """A hardware change restarts the Space by itself, on the new hardware."""
        return self.hardware is not None

    def line(self) -> str:
        return "Settings: " + ("; ".join(self.shown) if self.shown else "as space.json says")


def wanted(settings, visibility: str, hardware: str) -> Wanted:
    return Wanted(visibility, hardware, int(settings.settings.get("sleep_time", HUB_DEFAULT_SLEEP)))


def _visibility_now(info) -> str | None:
    """public or private as the Hub tells it; None when it can't tell (its `private` covers protected too)."""
    return None if info.private is None else ("private" if info.private else "public")


def plan(info, raw: dict, want: Wanted) -> SettingsPlan:
    """What differs between the Space (its info and runtime) and `want`."""
    change = SettingsPlan()
    now = _visibility_now(info)
    differs = now is not None and (now == "public") != (want.visibility == "public")
    if differs:
        change.visibility = want.visibility
        change.shown.append(f"visibility {now} -> {want.visibility}")
    elif want.visibility == "protected" and now == "private":
        change.notes.append("the Hub reports protected and private Spaces alike: if this one is private, make it "
                            "protected in its settings (deploy can't tell them apart).")
    hardware = (raw.get("hardware") or {}).get("requested") or (raw.get("hardware") or {}).get("current")
    if hardware and hardware != want.hardware:
        change.hardware = want.hardware
        change.shown.append(f"hardware {hardware} -> {want.hardware} (the Space restarts on it)")
    sleep, now_sleep = want.managed_sleep, raw.get("gcTimeout")
    never = now_sleep in (None, -1)  # unverified which of the two the Hub reports for "never"
    if sleep is not None and (sleep == -1) != never or (sleep not in (None, -1) and now_sleep != sleep):
        change.sleep_time = sleep
        change.shown.append(f"sleep time {'never' if never else f'{now_sleep} s'} -> "
                            f"{'never' if sleep == -1 else f'{sleep} s'}")
    if want.sleep_time != HUB_DEFAULT_SLEEP and want.hardware == FREE_HARDWARE:
        change.notes.append(f"sleep_time {want.sleep_time} is not applied: cpu-basic always sleeps after 48 h "
                            "without visitors (upgraded hardware takes a sleep time).")
    return change


def apply(hub, space_id: str, change: SettingsPlan) -> None:
    """Visibility and sleep time first; hardware last, as its restart then sees everything else."""
    if change.visibility:
        hub.set_visibility(space_id, change.visibility)
    if change.sleep_time is not None and change.hardware is None:
        hub.set_sleep_time(space_id, change.sleep_time)
    if change.hardware:
        hub.request_hardware(space_id, change.hardware, change.sleep_time)
