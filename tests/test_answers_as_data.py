"""A text answer lands in each file as data, quoted or escaped for where it goes: a title that looks like a Dockerfile
directive, or holds quotes, backticks and ${...}, is shown as written and changes nothing the file does."""

from __future__ import annotations

import ast
import re
import subprocess

from tests.support.node import node_env

TITLE = 'Notes "API" `x` ${process.exit(3)} \\ """'


def test_a_title_lands_in_the_dockerfile_as_a_quoted_comment_never_as_a_parser_directive(render):
    project = render(runtime="python", space_title="syntax=docker.io/someone/frontend")

    first = (project / "Dockerfile").read_text().splitlines()[0]

    assert first == ('# "syntax=docker.io/someone/frontend": the image of this Hugging Face Docker Space (its settings: '
                     "space.json).")


def test_a_title_with_quotes_lands_in_the_python_starter_as_a_string(render):
    project = render(runtime="python", space_title=TITLE)

    module = ast.parse((project / "backend" / "app" / "main.py").read_text())

    assert TITLE in ast.get_docstring(module)


def test_a_title_with_backticks_and_interpolations_lands_in_the_node_sign_in_page_as_text(render, node24):
    project = render(runtime="node", hf_oauth=True, space_title=TITLE)
    server = (project / "backend" / "auth-server.ts").read_text()
    page = re.search(r"^const signInPage = `.*?</script>`;$", server, re.DOTALL | re.MULTILINE)[0]

    shown = subprocess.run([str(node24 / "node"), "-e", f"{page}\nprocess.stdout.write(signInPage)"],
                           capture_output=True, text=True, env=node_env(node24), check=False)

    assert shown.returncode == 0, shown.stderr
    assert "<title>Notes &#34;API&#34; `x` ${process.exit(3)} \\ &#34;&#34;&#34;</title>" in shown.stdout
