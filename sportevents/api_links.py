"""OpenAPI links: from what a POST created to the operations on it.

A 201 answer of `POST …/milestones/` carries the new milestone's `id`; the operations of
`…/milestones/{id}/` take it. Each such pair gets a link in the schema (OpenAPI 3 "links"), so a
client generator, a reader of /api/docs/ and a stateful test all know that the `id` of the one
is the `{id}` of the other. The rule: after the created collection's last segment (`milestones`,
`registrations`) comes a parameter named like a field of the 201 answer; every other parameter of
the target is the same parameter at the same place in the collection's own path.
"""

METHODS = ("get", "put", "patch", "delete", "post")


def add_links(result, generator, request, public):
    """drf-spectacular postprocessing hook."""
    schemas = result.get("components", {}).get("schemas", {})
    paths = result.get("paths", {})
    for path, operations in paths.items():
        created = operations.get("post", {}).get("responses", {}).get("201")
        fields = _fields(created, schemas)
        if not fields:
            continue
        links = {
            operation["operationId"]: {
                "operationId": operation["operationId"],
                "parameters": parameters,
            }
            for target, target_operations in paths.items()
            if (parameters := _parameters(path, target, fields))
            for method, operation in target_operations.items()
            if method in METHODS
        }
        if links:
            created["links"] = dict(sorted(links.items()))
    return result


def _fields(response, schemas) -> set[str]:
    if not response:
        return set()
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    if "$ref" in schema:
        schema = schemas.get(schema["$ref"].rsplit("/", 1)[-1], {})
    return set(schema.get("properties", {}))


def _parameters(collection: str, target: str, fields: set[str]) -> dict[str, str] | None:
    """How `target`'s path parameters are filled after a POST to `collection`, or None."""
    own = collection.strip("/").split("/")
    segments = target.strip("/").split("/")
    parameters, from_answer = {}, False
    for index, segment in enumerate(segments):
        if not segment.startswith("{"):
            continue
        name = segment[1:-1]
        if segments[index - 1] == own[-1] and name in fields:
            parameters[name] = f"$response.body#/{name}"
            from_answer = True
        elif segments[: index + 1] == own[: index + 1]:
            parameters[name] = f"$request.path.{name}"
        else:
            return None
    return parameters if from_answer else None
