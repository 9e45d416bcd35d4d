# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""`status`: the Space on the Hub as it is now: stage, URL, hardware, last commit, and the Hub's error if any."""

from __future__ import annotations

from . import config, hub_space


def add_arguments(parser) -> None:
    pass


def main(args) -> int:
    settings = config.load(args.root)
    hub = hub_space.connect()
    space_id = hub_space.space_id(settings, hub)
    info = hub.space_info(space_id)
    if info is None:
        print(f"{space_id} does not exist on the Hub yet: `./space deploy` creates it.")
        return 1
    stage, raw = hub.runtime(space_id)
    hardware = raw.get("hardware") or {}
    requested = hardware.get("requested")
    shown = hardware.get("current") or "none"
    print(f"{space_id}: {stage}")
    print(f"  url:         {hub_space.space_url(info.host, getattr(info, 'subdomain', None), space_id)}")
    print(f"  hardware:    {shown}" + (f" (requested: {requested})" if requested and requested != shown else ""))
    last = f"{info.sha[:12]}" if info.sha else "none"
    when = getattr(info, "last_modified", None)
    print(f"  last commit: {last}" + (f" ({when:%Y-%m-%d %H:%M} UTC)" if when else ""))
    if raw.get("errorMessage"):
        print(f"  error:       {raw['errorMessage']}")
    return 0
