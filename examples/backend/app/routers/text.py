"""Text statistics computed on request: nothing is stored."""

import re
from collections import Counter

from fastapi import APIRouter
from pydantic import BaseModel, Field

router = APIRouter(prefix="/text", tags=["text"])

WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
WORDS_PER_MINUTE = 200  # a common estimate for silent reading


class TextIn(BaseModel):
    text: str = Field(max_length=100_000)
    top: int = Field(5, ge=0, le=50, description="How many of the most frequent words to return.")


class WordCount(BaseModel):
    word: str
    count: int


class TextStats(BaseModel):
    characters: int
    words: int
    lines: int
    reading_minutes: float
    top_words: list[WordCount]


@router.post("/stats")
def text_stats(payload: TextIn) -> TextStats:
    words = [word.lower() for word in WORD.findall(payload.text)]
    # Ties keep first-seen order (Counter preserves insertion order), so the answer is stable.
    top = Counter(words).most_common(payload.top)
    return TextStats(
        characters=len(payload.text),
        words=len(words),
        lines=len(payload.text.splitlines()),
        reading_minutes=round(len(words) / WORDS_PER_MINUTE, 2),
        top_words=[WordCount(word=word, count=count) for word, count in top],
    )
