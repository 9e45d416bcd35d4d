"""POST /text/stats computes counts from the text it is given."""


def test_stats_count_characters_words_lines_and_top_words(client):
    text = "The cat sat.\nThe cat ran!\nA dog's day away"

    stats = client.post("/text/stats", json={"text": text, "top": 2}).json()

    assert stats == {
        "characters": len(text),
        "words": 10,
        "lines": 3,
        "reading_minutes": 0.05,
        "top_words": [{"word": "the", "count": 2}, {"word": "cat", "count": 2}],
    }


def test_empty_text_has_zero_counts(client):
    stats = client.post("/text/stats", json={"text": ""}).json()

    assert stats["words"] == stats["characters"] == stats["lines"] == 0
    assert stats["top_words"] == []


def test_top_is_bounded(client):
    assert client.post("/text/stats", json={"text": "a", "top": 51}).status_code == 422
