"""A stand-in for the GitHub CLI (`gh`) that the generated workflows call, for running their steps here: github.com
is unreachable. It keeps issues, pull requests and their comments in a JSON file and answers the subcommands the workflows
use with the output shapes `gh` documents (`--json` fields, `--jq` through the real jq)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

SCRIPT = r'''#!{python}
import json, subprocess, sys
from pathlib import Path

state_path = Path({state!r})
state = json.loads(state_path.read_text())
args = sys.argv[1:]
state["calls"].append(args)


def option(name, default=None):
    return args[args.index(name) + 1] if name in args else default


def body():
    return Path(option("--body-file")).read_text() if "--body-file" in args else option("--body", "")


kind, verb = args[0], args[1]
out = ""
if (kind, verb) == ("issue", "list"):
    wanted = option("--state", "open")
    found = [i for i in state["issues"] if wanted == "all" or i["state"] == wanted]
    fields = option("--json", "number,title").split(",")
    out = json.dumps([{{k: i[k] for k in fields}} for i in found])
    if "--jq" in args:
        out = subprocess.run(["jq", "-r", option("--jq")], input=out, capture_output=True, text=True,
                             check=True).stdout
elif (kind, verb) == ("issue", "create"):
    number = len(state["issues"]) + len(state["comments"]) + 1
    state["issues"].append({{"number": number, "title": option("--title"), "body": body(), "state": "open"}})
    out = f"https://github.com/owner/repo/issues/{{number}}\n"
elif (kind, verb) == ("issue", "close"):
    for issue in state["issues"]:
        if str(issue["number"]) == args[2]:
            issue["state"] = "closed"
            issue["closing_comment"] = option("--comment", "")
elif (kind, verb) == ("pr", "comment"):
    mine = [c for c in state["comments"] if c["pr"] == int(args[2])]
    if "--edit-last" in args and mine:
        mine[-1]["body"] = body()
    elif "--edit-last" in args and "--create-if-none" not in args:
        sys.exit("no comments found for current user")
    else:
        state["comments"].append({{"pr": int(args[2]), "body": body()}})
elif (kind, verb) == ("pr", "create"):
    state["pulls"].append({{"head": option("--head"), "title": option("--title"), "body": body()}})
    out = f"https://github.com/owner/repo/pull/{{len(state['pulls'])}}\n"
elif (kind, verb) == ("auth", "setup-git"):
    pass  # the real one makes git use GH_TOKEN; the stand-in's origin is a local folder
else:
    sys.exit(f"gh stand-in: {{' '.join(args)}} is not emulated")
state_path.write_text(json.dumps(state))
sys.stdout.write(out)
'''


class GitHubCLI:
    """`folder` holds the `gh` to put first on PATH; `state` what it was asked and what it keeps."""

    def __init__(self, folder: Path) -> None:
        assert shutil.which("jq"), "jq is needed: the stand-in passes --jq through it, as gh does internally"
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.state_path = folder, folder / "gh-state.json"
        self.state_path.write_text(json.dumps({"issues": [], "comments": [], "pulls": [], "calls": []}))
        gh = folder / "gh"
        gh.write_text(SCRIPT.format(python=sys.executable, state=str(self.state_path)))
        gh.chmod(0o755)

    @property
    def state(self) -> dict:
        return json.loads(self.state_path.read_text())

    def path(self) -> str:
        return f"{self.folder}{os.pathsep}{os.environ['PATH']}"
