"""Notes CRUD over the HTTP API."""


def create(client, title="Groceries", body="milk, eggs") -> dict:
    response = client.post("/notes", json={"title": title, "body": body})
    assert response.status_code == 201, response.text
    return response.json()


def test_a_created_note_can_be_read_back(client):
    note = create(client)

    fetched = client.get(f"/notes/{note['id']}")

    assert fetched.status_code == 200
    assert fetched.json() == note
    assert note["title"] == "Groceries" and note["body"] == "milk, eggs"
    assert note["created_at"] == note["updated_at"]


def test_notes_are_listed_in_creation_order_with_paging(client):
    ids = [create(client, title=f"note {n}")["id"] for n in range(5)]

    assert [n["id"] for n in client.get("/notes").json()] == ids
    assert [n["id"] for n in client.get("/notes", params={"limit": 2, "offset": 1}).json()] == ids[1:3]


def test_patch_changes_only_the_given_fields(client):
    note = create(client)

    patched = client.patch(f"/notes/{note['id']}", json={"body": "bread"}).json()

    assert patched["title"] == "Groceries"
    assert patched["body"] == "bread"
    assert patched["updated_at"] > note["updated_at"]


def test_a_deleted_note_is_gone(client):
    note = create(client)

    assert client.delete(f"/notes/{note['id']}").status_code == 204
    assert client.get(f"/notes/{note['id']}").status_code == 404
    assert client.delete(f"/notes/{note['id']}").status_code == 404


def test_a_missing_note_is_404_with_a_message(client):
    response = client.get("/notes/999")

    assert response.status_code == 404
    assert response.json() == {"detail": "note 999 not found"}


def test_invalid_input_is_rejected(client):
    assert client.post("/notes", json={"title": ""}).status_code == 422
    assert client.post("/notes", json={"body": "no title"}).status_code == 422
    assert client.get("/notes", params={"limit": 0}).status_code == 422
