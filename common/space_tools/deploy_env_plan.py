# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""What deploy changes in the Space's Variables and Secrets so they match `.env` as space.json declares them."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import secret_looks
from .env_values import Value
from .errors import SpaceError
from .sent_secrets import SentSecrets

HOW_TO_DECLARE_A_SECRET = '"secret": true under variables in space.json'


@dataclass
class EnvChanges:
    set_variables: list[Value] = field(default_factory=list)  # new or different value
    same_variables: list[Value] = field(default_factory=list)
    set_secrets: list[Value] = field(default_factory=list)  # new, or not known to be unchanged (see sent_secrets)
    same_secrets: list[str] = field(default_factory=list)
    new_secrets: list[str] = field(default_factory=list)
    delete_variables: list[str] = field(default_factory=list)
    delete_secrets: list[str] = field(default_factory=list)
    kept_on_space: list[str] = field(default_factory=list)  # not set here, left as the Space has them
    notes: list[str] = field(default_factory=list)

    @property
    def needs_restart(self) -> bool:
        """Whether the running Space sees different values after these changes (as far as can be known)."""
        return bool(self.set_variables or self.set_secrets or self.delete_variables or self.delete_secrets)


def plan(
    values: list[Value],
    space_variables: dict[str, str],
    space_secrets: dict[str, str | None],
    *,
    prune: bool,
    sent: SentSecrets | None = None,
) -> EnvChanges:
    """`space_secrets`: each Secret's name and when it was last set, as the Hub tells it."""
    changes = EnvChanges()
    missing = []
    declared = {v.name for v in values}
    for v in values:
        on_space = v.name in space_variables or v.name in space_secrets
        if v.value is None:
            if on_space:
                changes.kept_on_space.append(v.name)
            elif v.var.required:
                missing.append(v.name)
            if v.var.secret and v.name in space_variables:
                changes.notes.append(
                    f"{v.name} is a secret in space.json but a public Variable on the Space: put its value in .env "
                    "to move it to a Secret."
                )
            continue
        if v.var.secret:
            if v.name in space_secrets and sent and sent.unchanged(v.name, v.value, space_secrets[v.name]):
                changes.same_secrets.append(v.name)
            else:
                changes.set_secrets.append(v)
            if v.name not in space_secrets:
                changes.new_secrets.append(v.name)
            if v.name in space_variables:
                changes.delete_variables.append(v.name)  # it was public; it becomes a Secret
        else:
            if space_variables.get(v.name) == v.value:
                changes.same_variables.append(v)
            else:
                changes.set_variables.append(v)
            if v.name in space_secrets:
                changes.delete_secrets.append(v.name)  # marked as a Variable now
    if missing:
        raise SpaceError(
            f"required {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} neither in .env nor set on the "
            "Space; add the value to .env (see .env.example) and deploy again. Nothing was uploaded."
        )
    if prune:
        changes.delete_variables += sorted(set(space_variables) - declared)
        changes.delete_secrets += sorted(set(space_secrets) - declared)
    return changes


def refuse_token(values: list[Value], token: str) -> None:
    """The deploying token must never end up in the Space, whatever name or syntax it hides under."""
    for v in values:
        if v.value and token and token.strip() in v.value:
            raise SpaceError(
                f"{v.name} holds the very token this deploy uses, and a Space must never store the deploying "
                "token: give the Space its own fine-grained token with only the access it needs."
            )


def public_secret_suspects(values: list[Value], allowed: set[str]) -> dict[str, str]:
    """Variables (public) whose name or value looks like a secret, and which the user has not confirmed: each name
    with what it looks like (never the value)."""
    suspects = {}
    for v in values:
        if not v.var.secret and v.value and v.name not in allowed:
            why = secret_looks.why_secret(v.name, v.value)
            if why:
                suspects[v.name] = why
    return suspects


def refuse_public_secrets(values: list[Value], allowed: set[str]) -> None:
    """A Variable is public: one that looks like a secret needs the user's word for it."""
    suspects = public_secret_suspects(values, allowed)
    if not suspects:
        return
    one = len(suspects) == 1
    each = [f"{name} ({why})" for name, why in suspects.items()]
    named = each[0] if one else f"{', '.join(each[:-1])} and {each[-1]}"
    flags = " ".join(f"--public {name}" for name in suspects)
    raise SpaceError(
        f"{named} {'looks like a secret but is a Variable' if one else 'look like secrets but are Variables'} in "
        f"space.json, so deploy would make {'its value' if one else 'their values'} public: declare "
        f"{'it a Secret' if one else 'them Secrets'} ({HOW_TO_DECLARE_A_SECRET}), or, if "
        f"{'it is' if one else 'they are'} meant to be public, confirm with {flags}. Nothing was sent."
    )
