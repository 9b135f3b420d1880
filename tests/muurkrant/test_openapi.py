"""The OpenAPI schema tells the truth: real answers have the statuses and shapes it documents."""

import json

import pytest

from muurkrant.models import Post
from tests.muurkrant import test_api, test_api_audio

isolated = test_api.isolated
token = test_api.token
api = test_api.api

TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
}


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def problems(value, node: dict, schema: dict, where: str = "body") -> list[str]:
    """Where `value` departs from the JSON schema `node`: a missing or undocumented key, a type."""
    if "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in node:
        found = [problems(value, option, schema, where) for option in node["anyOf"]]
        return [] if [] in found else [f"{where}: matches no anyOf: {found}"]
    kind = node.get("type")
    if kind and (not isinstance(value, TYPES[kind]) or (kind == "integer" and value is True)):
        return [f"{where}: {value!r} is not {kind}"]
    errors = []
    if kind == "object":
        properties = node.get("properties", {})
        errors += [
            f"{where}.{key}: missing" for key in node.get("required", []) if key not in value
        ]
        if "additionalProperties" not in node:
            errors += [f"{where}.{key}: undocumented" for key in value if key not in properties]
        for key, item in value.items():
            if key in properties:
                errors += problems(item, properties[key], schema, f"{where}.{key}")
    if kind == "array":
        for index, item in enumerate(value):
            errors += problems(item, node["items"], schema, f"{where}[{index}]")
    return errors


def assert_documented(schema: dict, response, method: str, path: str) -> None:
    """The answer's status is documented for the operation, and its body has that shape."""
    operation = schema["paths"][f"/api/v1{path}"][method]
    status = str(response.status_code)
    assert status in operation["responses"], f"{method} {path} does not document {status}"
    documented = operation["responses"][status]
    if "content" not in documented:
        assert not response.content
        return
    node = documented["content"]["application/json"]["schema"]
    assert problems(json.loads(response.content), node, schema) == []


@pytest.mark.django_db
def test_endpoints_are_grouped_by_tag(schema):
    assert [tag["name"] for tag in schema["tags"]] == ["posts", "pool", "wijken"]
    tags = {
        (method, path): operation["tags"]
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }
    assert tags[("post", "/api/v1/posts")] == ["posts"]
    assert tags[("patch", "/api/v1/posts/{post_id}")] == ["posts"]
    assert tags[("get", "/api/v1/pool")] == ["pool"]
    assert tags[("post", "/api/v1/pool/{post_id}/takeover")] == ["pool"]
    assert tags[("get", "/api/v1/wijken")] == ["wijken"]
    assert all(len(names) == 1 for names in tags.values())


@pytest.mark.django_db
def test_every_endpoint_documents_its_refusals_and_headers(schema):
    writes = {("post", "/api/v1/posts"), ("patch", "/api/v1/posts/{post_id}")}
    writes.add(("post", "/api/v1/pool/{post_id}/takeover"))
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses, headers = operation["responses"], operation["parameters"]
            names = {p["name"] for p in headers if p["in"] == "header"}
            assert {"400", "401", "429"} <= set(responses), (method, path)
            assert "Retry-After" in responses["429"]["headers"]
            assert "X-Partner" in names, (method, path)
            assert ("Idempotency-Key" in names) == ((method, path) in writes), (method, path)
    create = schema["paths"]["/api/v1/posts"]["post"]
    assert {"201", "400", "409", "413", "422"} <= set(create["responses"])
    multipart = create["requestBody"]["content"]["multipart/form-data"]["schema"]["allOf"][1]
    assert {"image", "audio"} <= set(multipart["properties"])
    assert "404" in schema["paths"]["/api/v1/posts/{post_id}"]["get"]["responses"]
    change = schema["paths"]["/api/v1/posts/{post_id}"]["patch"]
    assert {"200", "404", "409", "413", "422"} <= set(change["responses"])
    assert "multipart/form-data" in change["requestBody"]["content"]


@pytest.mark.django_db
def test_answers_have_the_documented_shapes(settings, schema, client, api, token):
    created = api("post", "/posts", {"title": "Nieuw", "tags": ["sport"]})
    assert created.status_code == 201
    assert_documented(schema, created, "post", "/posts")
    post_id = created.json()["id"]
    audio = test_api_audio.audio_post(api, test_api_audio.mp3())
    assert_documented(schema, audio, "post", "/posts")

    answers = [
        (api("get", f"/posts/{post_id}"), "get", "/posts/{post_id}"),
        (api("get", "/posts"), "get", "/posts"),
        (api("get", "/posts?status=weird"), "get", "/posts"),
        (api("get", "/posts/999999"), "get", "/posts/{post_id}"),
        (api("patch", f"/posts/{post_id}", {"title": ""}), "patch", "/posts/{post_id}"),
        (api("patch", f"/posts/{post_id}", {"summary": "Kort"}), "patch", "/posts/{post_id}"),
        (api("get", "/pool"), "get", "/pool"),
        (api("get", "/wijken"), "get", "/wijken"),
        (api("post", "/posts", {"title": "x", "kind": "audio"}), "post", "/posts"),
        (client.get("/api/v1/posts"), "get", "/posts"),
        (api("post", f"/pool/{post_id}/takeover"), "post", "/pool/{post_id}/takeover"),
        (api("delete", f"/posts/{post_id}"), "delete", "/posts/{post_id}"),
    ]
    statuses = [response.status_code for response, _, _ in answers]
    assert statuses == [200, 200, 422, 404, 422, 200, 200, 200, 422, 401, 422, 204]
    for response, method, path in answers:
        assert_documented(schema, response, method, path)

    settings.API_MAX_AUDIO_BYTES = 10
    too_big = test_api_audio.audio_post(api, test_api_audio.mp3())
    assert too_big.status_code == 413
    assert_documented(schema, too_big, "post", "/posts")

    unreadable = client.post(
        "/api/v1/posts", "{not json", content_type="application/json", **test_api.bearer(token)
    )
    assert unreadable.status_code == 400
    assert_documented(schema, unreadable, "post", "/posts")

    settings.API_RATE_LIMIT = 0
    limited = api("get", "/wijken")
    assert limited.status_code == 429
    assert_documented(schema, limited, "get", "/wijken")
    assert Post.objects.filter(pk=post_id).count() == 0
