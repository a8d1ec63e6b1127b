"""Differential test: Toolgate's JSON Schema validator (`toolgate validate`, the checker every tool
call passes) and Python's jsonschema (Draft 2020-12 with its format checker) must reach the same
verdict on the same schemas and instances. Schemas: a keyword-by-keyword list below, every tool of
the project's own documents and, when `../shared/specs-corpus` is present, every tool of every
corpus document. Instances: values generated from each schema and near misses made from them."""
import json
import subprocess

import pytest

from conftest import CORPUS, REPO
from schema_instances import instances, reference_validator

KEYWORD_SCHEMAS = [
    {"type": "integer", "minimum": 1, "maximum": 10},
    {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
    {"type": "number", "multipleOf": 0.5},
    {"type": "integer", "multipleOf": 3},
    {"type": "integer", "format": "int64", "minimum": -9223372036854775808, "maximum": 9223372036854775807},
    {"type": "string", "minLength": 2, "maxLength": 4},
    {"type": "string", "pattern": "^[a-z]+-[0-9]{2}$"},
    {"type": "string", "pattern": "b"},
    {"type": "string", "format": "date"},
    {"type": "string", "format": "date-time"},
    {"type": "string", "format": "time"},
    {"type": "string", "format": "email"},
    {"type": "string", "format": "uuid"},
    {"type": "string", "format": "uri"},
    {"type": "string", "format": "ipv4"},
    {"type": "string", "format": "ipv6"},
    {"type": "string", "contentEncoding": "base64", "pattern": "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"},
    {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3, "uniqueItems": True},
    {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}], "items": False},
    {"type": "array", "contains": {"type": "integer", "minimum": 5}, "minContains": 2, "maxContains": 3},
    {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}, "required": ["a"], "additionalProperties": False},
    {"type": "object", "patternProperties": {"^x-": {"type": "integer"}}, "additionalProperties": {"type": "string"}},
    {"type": "object", "minProperties": 1, "maxProperties": 2, "propertyNames": {"maxLength": 3}},
    {"type": "object", "properties": {"a": {}, "b": {}}, "dependentRequired": {"a": ["b"]}},
    {"type": "object", "dependentSchemas": {"a": {"required": ["c"]}}},
    {"anyOf": [{"type": "string", "minLength": 3}, {"type": "null"}]},
    {"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 2}]},
    {"allOf": [{"minimum": 1}, {"maximum": 5}]},
    {"type": "string", "minLength": 1, "not": {"enum": [".", ".."]}},
    {"not": {"type": "string", "pattern": "[\\x00-\\x08\\x0A-\\x1F\\x7F]"}},
    {"if": {"type": "string"}, "then": {"maxLength": 2}, "else": {"type": "integer"}},
    {"enum": ["a", 1, None, [1, 2], {"k": True}]},
    {"const": {"a": [1, 2.0]}},
    {"$ref": "#/$defs/Node", "$defs": {"Node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/Node"}, "v": {"type": "integer"}}}}},
]

PROJECT_DOCUMENTS = sorted((REPO / "specs").glob("*.yaml")) + sorted(
    path for path in (REPO / "fixtures" / "openapi").glob("*") if path.is_file()
) + [REPO / "fixtures" / "openapi" / "multifile" / "root.yaml"]

CORPUS_DOCUMENTS = [
    "oai-petstore-v3.0.yaml", "oai-petstore-expanded-v3.0.yaml", "oai-petstore-v2.0.json", "oai-webhook-example-v3.1.yaml",
    "swagger-petstore-v2-formdata-swagger2.0.json", "oai-petstore-separate-v2.0/spec/swagger.yaml",
    "digitalocean-v2-multifile/DigitalOcean-public.v2.yaml", "slack-web-api-swagger2.0.json", "openai-openapi-v3.1.yaml",
    "stripe-spec3-2023-05-30-v3.0.yaml", "github-api.github.com-2022-07-v3.0.yaml", "kubernetes-v1.32-swagger2.0.json",
]


def tool_schemas(toolgate, document):
    result = subprocess.run([toolgate, "import", str(document), "--format", "json"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    return [(tool["name"], tool["inputSchema"]) for tool in json.loads(result.stdout)["tools"]]


def compare(toolgate, named_schemas):
    """Runs both validators over every schema's instances; returns (checked, valid, disagreements)."""
    lines, expected = [], []
    for name, schema in named_schemas:
        values = instances(schema)
        if not values:
            continue
        checker = reference_validator(schema)
        lines.append(json.dumps({"schema": schema, "instances": values}))
        expected += [(name, value, checker.is_valid(value), checker) for value in values]
    result = subprocess.run([toolgate, "validate"], input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    verdicts = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(verdicts) == len(expected)
    disagreements = []
    for (name, value, python_valid, checker), verdict in zip(expected, verdicts):
        if verdict["valid"] != python_valid:
            reasons = [error.message[:200] for error in checker.iter_errors(value)][:3]
            disagreements.append(f"{name}: {json.dumps(value)[:300]} — jsonschema {python_valid} {reasons}, toolgate {verdict}"[:900])
    return len(expected), sum(1 for item in expected if item[2]), disagreements


def test_keyword_schemas_agree(toolgate):
    checked, valid, disagreements = compare(toolgate, [(json.dumps(schema)[:80], schema) for schema in KEYWORD_SCHEMAS])
    assert not disagreements, "\n".join(disagreements[:10])
    assert 0 < valid < checked  # both verdicts occur
    print(f"keyword schemas: {checked} instances, {valid} valid, all verdicts equal")


@pytest.mark.parametrize("document", PROJECT_DOCUMENTS, ids=lambda path: path.name)
def test_project_tool_schemas_agree(toolgate, document):
    checked, valid, disagreements = compare(toolgate, tool_schemas(toolgate, document))
    assert not disagreements, "\n".join(disagreements[:10])
    print(f"{document.name}: {checked} instances, {valid} valid, all verdicts equal")


@pytest.mark.parametrize("name", CORPUS_DOCUMENTS)
def test_corpus_tool_schemas_agree(toolgate, name):
    document = CORPUS / name
    if not document.exists():
        pytest.skip(f"{document} is absent")
    checked, valid, disagreements = compare(toolgate, tool_schemas(toolgate, document))
    assert not disagreements, f"{len(disagreements)} of {checked} disagree:\n" + "\n".join(disagreements[:10])
    print(f"{name}: {checked} instances, {valid} valid, all verdicts equal")
