# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""`logs`: the Space's run logs on the Hub (--build: its build logs), the last lines, or followed with -f."""

from __future__ import annotations

from . import config, hub_space


def add_arguments(parser) -> None:
    parser.add_argument("--build", action="store_true", help="the build's logs instead of the running app's")
    parser.add_argument("--follow", "-f", action="store_true", help="keep printing new lines until Ctrl-C")
    parser.add_argument("--lines", "-n", type=int, default=100, help="how many of the last lines (default: 100)")


def main(args) -> int:
    settings = config.load(args.root)
    hub = hub_space.connect()
    space_id = hub_space.space_id(settings, hub)
    if args.follow:
        for line in hub.follow_logs(space_id, build=args.build):
            print(line, end="" if line.endswith("\n") else "\n", flush=True)
        return 0
    for line in hub.log_tail(space_id, build=args.build, lines=args.lines):
        print(line)
    return 0
