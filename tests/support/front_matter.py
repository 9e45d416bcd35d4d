"""Reads a rendered Space's README front matter with huggingface_hub, as the Hub would."""

from __future__ import annotations

from pathlib import Path

from huggingface_hub import SpaceCard, SpaceCardData


def space_card(project: Path) -> SpaceCardData:
    card = SpaceCard.load(project / "README.md")
    assert isinstance(card.data, SpaceCardData)
    return card.data
