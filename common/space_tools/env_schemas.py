# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The environment schema a Node backend checks at start, zod's `z.object({...})` parsed from process.env (by
hand, or through t3-env's createEnv): each key is a variable the app needs unless `.default(...)` gives it a value
or `.optional()` lets it be unset; a `z.enum([...])` names the only values it accepts."""

from __future__ import annotations

import re
from dataclasses import dataclass

_OBJECT = re.compile(r"\bz\.object\(\s*\{")
_KEY = re.compile(r"""^\s*["']?(?P<name>[A-Z_][A-Z0-9_]*)["']?\s*:\s*(?P<expr>z\b.*)$""", re.DOTALL)
_DEFAULT = re.compile(r"""\.default\(\s*(?P<value>"[^"\n]*"|'[^'\n]*'|`[^`$\n]*`|-?\d+(?:\.\d+)?|true|false)\s*\)""")
_OPTIONAL = re.compile(r"\.(?:optional|nullish|nullable)\(\s*\)")
_ENUM = re.compile(r"""\bz\.enum\(\s*\[(?P<values>[^\]]*)\]""")
_QUOTES = {'"': '"', "'": "'", "`": "`"}
_LEADING_COMMENTS = re.compile(r"^(?:\s*(?://[^\n]*|/\*.*?\*/))*", re.DOTALL)


@dataclass(frozen=True)
class SchemaEntry:
    name: str
    default: str | None  # None: required; "" when optional without a default
    choices: tuple[str, ...]  # a z.enum's values, else ()


def _code(text: str, start: int):
    """(index, character, depth) for each character of code from `start`: strings and comments skipped, depth
    counting the brackets open before it."""
    depth, index, quote = 0, start, ""
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif text.startswith("//", index):
            index = text.find("\n", index) if "\n" in text[index:] else len(text)
            continue
        elif text.startswith("/*", index):
            index = text.find("*/", index + 2) + 2 if "*/" in text[index + 2:] else len(text)
            continue
        elif char in _QUOTES:
            quote = char
        else:
            depth -= char in "}])"
            yield index, char, depth
            depth += char in "{[("
        index += 1


def _body(text: str, start: int) -> str:
    """The text inside the brace that opens at `start`."""
    for index, char, depth in _code(text, start):
        if char == "}" and depth == 0:
            return text[start + 1:index]
    return ""


def _top_level_entries(body: str) -> list[str]:
    """The object's entries: its text cut at the commas outside brackets, strings and comments."""
    cuts = [index for index, char, depth in _code(body, 0) if char == "," and depth == 0]
    return [body[begin + 1:end] for begin, end in zip([-1, *cuts], [*cuts, len(body)])]


def entries(text: str) -> list[SchemaEntry]:
    """Each variable of the zod objects in a file that reads process.env, in the order written."""
    if "process.env" not in text:
        return []
    found = []
    for match in _OBJECT.finditer(text):
        for entry in _top_level_entries(_body(text, match.end() - 1)):
            key = _KEY.match(_LEADING_COMMENTS.sub("", entry))
            if key is None:
                continue
            expr = key["expr"]
            default = _DEFAULT.search(expr)
            value = default["value"].strip("\"'`") if default else "" if _OPTIONAL.search(expr) else None
            enum = _ENUM.search(expr)
            choices = tuple(re.findall(r"""["'`]([^"'`]*)["'`]""", enum["values"])) if enum else ()
            found.append(SchemaEntry(key["name"], value, choices))
    return found
