"""Small Spaces that fail the ways Spaces users' Spaces fail most, each built and run for real, so the failure
diagnoses are tested on the text Docker, pip, npm, uvicorn and Node really print."""

from __future__ import annotations

from dataclasses import dataclass, field

PY = "FROM python:3.13-slim\nWORKDIR /app\n"
# What the templates' build stage does for a package without a wheel: a C compiler, then pip compiles it.
COMPILER = "RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends gcc libc6-dev >/dev/null\n"
NODE = "FROM node:24-slim\nWORKDIR /app\n"
SERVE = 'import http.server\nhttp.server.HTTPServer(("0.0.0.0", {port}), http.server.SimpleHTTPRequestHandler).serve_forever()\n'


@dataclass(frozen=True)
class FailingSpace:
    diagnosis: str  # the id in diagnoses.yml its logs must be classified as
    dockerfile: str
    files: dict[str, str] = field(default_factory=dict)
    fails_in: str = "run"  # "build": docker build fails; "run": the container exits or never answers app_port
    app_port: int = 7860
    secrets: tuple[str, ...] = ()  # declared in space.json, set nowhere
    memory: str = ""  # docker run --memory
    left_out: dict[str, str] = field(default_factory=dict)  # in the backend's folder, not in the image


SHAPES = {
    "cache-as-uid-1000": FailingSpace(
        "write-permission",
        PY + "COPY app.py .\nCMD [\"python\", \"app.py\"]\n",
        {"app.py": 'import os\nos.makedirs(os.path.expanduser("~/.cache/models"), exist_ok=True)\n'},
    ),
    "npm-cache-as-uid-1000": FailingSpace(
        "write-permission",
        NODE + 'ENV HOME=/\nCMD ["npx", "--yes", "cowsay@1.6.0", "hi"]\n',
    ),
    "uvicorn-on-8000": FailingSpace(
        "wrong-port",
        PY + "RUN pip install --no-cache-dir uvicorn==0.32.0\nCOPY app.py .\n"
        'CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]\n',
        {"app.py": "async def app(scope, receive, send):\n    pass\n"},
    ),
    "node-on-3000": FailingSpace(
        "wrong-port",
        NODE + "COPY server.mjs .\nCMD [\"node\", \"server.mjs\"]\n",
        {"server.mjs": 'import http from "node:http";\nconst port = 3000;\n'
                       'http.createServer((q, s) => s.end("ok")).listen(port, () => '
                       'console.log(`Server listening on http://localhost:${port}`));\n'},
    ),
    "loopback-only": FailingSpace(
        "loopback-only",
        PY + "RUN pip install --no-cache-dir uvicorn==0.32.0\nCOPY app.py .\n"
        'CMD ["uvicorn", "app:app", "--port", "7860"]\n',
        {"app.py": "async def app(scope, receive, send):\n    pass\n"},
    ),
    "secret-at-run": FailingSpace(
        "missing-secret",
        PY + "COPY app.py .\nCMD [\"python\", \"app.py\"]\n",
        {"app.py": 'import os\nKEY = os.environ["OPENAI_API_KEY"]\n'},
        secrets=("OPENAI_API_KEY",),
    ),
    "secret-at-build": FailingSpace(
        "missing-secret",
        PY + "RUN --mount=type=secret,id=HF_READ_TOKEN,required=true cat /run/secrets/HF_READ_TOKEN\n",
        fails_in="build",
        secrets=("HF_READ_TOKEN",),
    ),
    "python-out-of-memory": FailingSpace(
        "out-of-memory",
        PY + "COPY app.py .\nCMD [\"python\", \"app.py\"]\n",
        {"app.py": "blocks = []\nwhile True:\n    blocks.append(bytearray(16 * 1024 * 1024))\n"},
        memory="96m",
    ),
    "node-heap": FailingSpace(
        "out-of-memory",
        NODE + "COPY grow.mjs .\nCMD [\"node\", \"--max-old-space-size=48\", \"grow.mjs\"]\n",
        {"grow.mjs": "const kept = [];\nfor (;;) kept.push(new Array(1e6).fill({ n: Math.random() }));\n"},
    ),
    "no-compiler": FailingSpace(
        "no-compiler",
        PY + "RUN pip install --no-cache-dir --no-binary psutil psutil==6.1.0\n",
        fails_in="build",
    ),
    # A release pinned before Python 3.13 whose generated C calls a function 3.13 changed: gcc runs, and fails.
    "c-api-change": FailingSpace(
        "c-api-change",
        PY + COMPILER + "RUN pip install --no-cache-dir --no-binary httptools httptools==0.6.1\n",
        fails_in="build",
    ),
    # cffi 1.15 has no wheel for 3.12: compiling it needs libffi's header, which no slim image has.
    "missing-header": FailingSpace(
        "missing-header",
        PY.replace("3.13", "3.12") + COMPILER + "RUN pip install --no-cache-dir --no-binary cffi cffi==1.15.1\n",
        fails_in="build",
    ),
    "no-such-version": FailingSpace(
        "no-matching-distribution",
        PY + "RUN pip install --no-cache-dir fastapi==0.0.999\n",
        fails_in="build",
    ),
    # A download from a host the build's network can't resolve (as Prisma's engines from binaries.prisma.sh, where
    # only the npm registry is reachable); .invalid never resolves anywhere.
    "host-unreachable": FailingSpace(
        "host-unreachable",
        NODE + "RUN npm install --no-audit --no-fund --fetch-retries=0 https://binaries.prisma.invalid/engines.tgz\n",
        fails_in="build",
    ),
    # The app's own package is in the backend's folder but the image holds only the entry module.
    "package-left-out": FailingSpace(
        "module-left-out",
        PY + "COPY main.py .\nCMD [\"python\", \"main.py\"]\n",
        {"main.py": "from services.greeting import hello\n\nprint(hello())\n"},
        left_out={"services/__init__.py": "", "services/greeting.py": "def hello():\n    return 'hi'\n"},
    ),
    "module-not-in-manifest": FailingSpace(
        "missing-module",
        PY + "COPY app.py .\nCMD [\"python\", \"app.py\"]\n",
        {"app.py": "import fastapi\n"},
    ),
}
