"""Share links are signed with APP_SECRET_KEY: they open one note, read-only, and can't be forged."""

from fastapi.testclient import TestClient

from app.main import create_app


def share(client, note_id: int) -> dict:
    response = client.post(f"/notes/{note_id}/share")
    assert response.status_code == 200, response.text
    return response.json()


def test_a_share_link_opens_its_note(client):
    note = client.post("/notes", json={"title": "Shared", "body": "hello"}).json()

    link = share(client, note["id"])

    assert link["url"] == f"http://testserver/shared/{link['token']}"
    assert client.get(f"/shared/{link['token']}").json() == note


def test_a_token_edited_to_point_at_another_note_is_refused(client):
    first = client.post("/notes", json={"title": "mine"}).json()
    client.post("/notes", json={"title": "someone else's"})
    signature = share(client, first["id"])["token"].split(".")[1]

    response = client.get(f"/shared/{first['id'] + 1}.{signature}")

    assert response.status_code == 403
    assert response.json() == {"detail": "invalid share token"}


def test_malformed_tokens_are_refused(client):
    for token in ("1", "x.y", "1.", ".abc"):
        assert client.get(f"/shared/{token}").status_code == 403


def test_links_made_with_another_secret_stop_working(client, monkeypatch):
    note = client.post("/notes", json={"title": "rotated"}).json()
    token = share(client, note["id"])["token"]

    monkeypatch.setenv("APP_SECRET_KEY", "a-completely-different-secret")
    with TestClient(create_app()) as rotated:
        assert rotated.get(f"/shared/{token}").status_code == 403


def test_sharing_a_missing_note_is_404(client):
    assert client.post("/notes/42/share").status_code == 404
