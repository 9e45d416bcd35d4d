"""Writes a demo .env for a rendered Space: each required secret gets a fresh random value (never reused)."""

import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "common"))
from space_tools.envfile import parse_env_example, read_env_file  # noqa: E402

project = Path(sys.argv[1])
existing = read_env_file(project / ".env")
lines = []
for var in parse_env_example(project / ".env.example"):
    value = existing.get(var.name) or (secrets.token_urlsafe(32) if var.secret and var.required else var.default)
    if value:
        lines.append(f"{var.name}={value}")
(project / ".env").write_text("\n".join(lines) + "\n")
(project / ".env").chmod(0o600)
