"""Checks a recorded request against an OpenAPI 3.0 document whose query parameters and form
bodies use `deepObject` (Stripe's shape: `created[gte]=5`, `items[0][price]=p`), which
openapi-core 0.23.1 cannot deserialize. Multipart bodies are read the same way, one part per key.

The wire format is read back here (brackets into objects and indexed arrays, each text value
cast to what the schema's `type` asks for, delimited arrays split as their `style` says), and
every value is then validated by openapi-schema-validator (the OpenAPI 3.0 dialect openapi-core
itself uses, `nullable` and `readOnly` included) against the document's own schema, `$ref`s
resolved in the document. Also checked: required parameters are present, no form field or query
parameter the operation does not declare, the body's media type is one the operation lists."""
import email.parser
import email.policy
import re
import urllib.parse

import yaml
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30WriteValidator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
ALL_TYPES = ("string", "integer", "number", "boolean", "object", "array")


class RequestFault(Exception):
    """The request is not one the document allows; the message says why."""


class FormRequests:
    def __init__(self, path):
        self.document = yaml.load(path.read_text(), Loader=yaml.CSafeLoader)
        self.registry = Registry().with_resource("urn:document", Resource.from_contents(self.document, default_specification=DRAFT4))

    def resolve(self, node):
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 50:
            target = self.document
            for token in node["$ref"].lstrip("#/").split("/"):
                target = target[token.replace("~1", "/").replace("~0", "~")]
            node, seen = target, seen + 1
        return node

    def validate(self, value, pointer, where):
        """Validates against the schema at `pointer` in the document (so its `$ref`s resolve)."""
        validator = OAS30WriteValidator({"$ref": "urn:document#" + pointer}, registry=self.registry, format_checker=oas30_format_checker)
        errors = sorted(validator.iter_errors(value), key=lambda error: list(error.absolute_path))
        if errors:
            error = errors[0]
            raise RequestFault(f"{where}{''.join(f'[{part}]' for part in error.absolute_path)}: {error.message[:300]}")

    def check(self, method, template, base_path, raw_path, headers, body):
        item_pointer = "/paths/" + template.replace("~", "~0").replace("/", "~1")
        item = self.resolve(self.document["paths"].get(template))
        operation = item.get(method.lower()) if item else None
        if operation is None:
            raise RequestFault(f"no operation {method} {template} in the document")
        op_pointer = f"{item_pointer}/{method.lower()}"
        parsed = urllib.parse.urlsplit(raw_path)
        if not parsed.path.startswith(base_path):
            raise RequestFault(f"path {parsed.path} is outside the base path {base_path}")
        names = re.findall(r"{([^}]+)}", template)
        pattern = "^" + re.sub(r"\\{[^}]+\\}", "([^/]+)", re.escape(template)) + "$"
        match = re.match(pattern, parsed.path[len(base_path):])
        if match is None:
            raise RequestFault(f"path {parsed.path} does not match {template}")
        path_values = {name: urllib.parse.unquote(value) for name, value in zip(names, match.groups())}

        parameters = {}
        for owner, pointer in ((item, item_pointer), (operation, op_pointer)):
            for index, raw in enumerate(owner.get("parameters") or []):
                parameter = self.resolve(raw)
                schema_pointer = raw["$ref"][1:] + "/schema" if "$ref" in raw else f"{pointer}/parameters/{index}/schema"
                parameters[(parameter["in"], parameter["name"])] = (parameter, schema_pointer)

        query_pairs = urllib.parse.parse_qsl(parsed.query, keep_blank_values=True)
        declared_query = {name for location, name in parameters if location == "query"}
        unknown = sorted({base_name(name) for name, _ in query_pairs} - declared_query)
        if unknown:
            raise RequestFault(f"query parameters {unknown} are not parameters of the operation")
        for (location, name), (parameter, schema_pointer) in parameters.items():
            schema = self.resolve(parameter.get("schema", {}))
            if location == "path":
                present, value = name in path_values, path_values.get(name)
            elif location == "query":
                pairs = [(key, value) for key, value in query_pairs if base_name(key) == name]
                present = bool(pairs)
                style = parameter.get("style", "form")
                explode = parameter.get("explode", style == "form")
                value = self.read(pairs, name, schema, style, explode) if present else None
            else:
                continue  # headers and cookies: openapi-core's own checks cover these on the other documents
            if not present:
                if parameter.get("required"):
                    raise RequestFault(f"required {location} parameter '{name}' is missing")
                continue
            self.validate(self.cast(value, schema), schema_pointer, f"{location} parameter '{name}'")

        request_body = self.resolve(operation.get("requestBody"))
        media_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if not body:
            if request_body and request_body.get("required"):
                raise RequestFault("the required request body is missing")
            return
        if not request_body:
            raise RequestFault("a body was sent, and the operation has none")
        content = request_body.get("content") or {}
        if media_type not in content:
            raise RequestFault(f"Content-Type {media_type!r} is not one the operation lists ({sorted(content)})")
        body_pointer = op_pointer + "/requestBody" if "$ref" not in operation["requestBody"] else operation["requestBody"]["$ref"][1:]
        schema_pointer = f"{body_pointer}/content/{media_type.replace('/', '~1')}/schema"
        schema = self.resolve(content[media_type].get("schema", {}))
        if media_type == FORM:
            pairs = urllib.parse.parse_qsl(body.decode(), keep_blank_values=True)
        elif media_type == MULTIPART:
            pairs = multipart_pairs(headers.get("Content-Type"), body)
        else:
            raise RequestFault(f"{media_type} bodies are not read by this checker")
        properties = schema.get("properties") or {}
        encoding = content[media_type].get("encoding") or {}
        value = {}
        for name in dict.fromkeys(base_name(key) for key, _ in pairs):
            field_schema = self.resolve(properties.get(name, {}))
            style = encoding.get(name, {}).get("style", "form")
            explode = encoding.get(name, {}).get("explode", style == "form")
            value[name] = self.read([(key, text) for key, text in pairs if base_name(key) == name], name, field_schema, style, explode)
        self.validate(self.cast(value, schema), schema_pointer, "body")

    def read(self, pairs, name, schema, style, explode):
        """One parameter's (or form field's) value from its `key=value` pairs, before casting."""
        if style == "deepObject":
            tree = None
            for key, text in pairs:
                path = bracket_path(key, name)
                if path is None:
                    raise RequestFault(f"'{key}' is not a deepObject key of '{name}'")
                if not path:
                    if tree is not None:
                        raise RequestFault(f"'{name}' is given twice")
                    tree = text
                    continue
                if tree is None:
                    tree = {}
                if not isinstance(tree, dict):
                    raise RequestFault(f"'{name}' is given both as a value and as an object")
                node = tree
                for part in path[:-1]:
                    node = node.setdefault(part, {})
                    if not isinstance(node, dict):
                        raise RequestFault(f"'{key}' nests under a plain value")
                if path[-1] in node:
                    raise RequestFault(f"'{key}' is given twice")
                node[path[-1]] = text
            return tree
        if any(key != name for key, _ in pairs):
            raise RequestFault(f"'{pairs[0][0]}' uses brackets, and '{name}' is not a deepObject")
        texts = [text for _, text in pairs]
        types = self.types(schema)
        if "array" in types:
            delimiter = {"spaceDelimited": " ", "pipeDelimited": "|", "tabDelimited": "\t"}.get(style, ",")
            if explode and style == "form":
                return texts if len(texts) > 1 or types == {"array"} else texts[0]
            if len(texts) != 1:
                raise RequestFault(f"'{name}' repeats, and its style ({style}, explode {explode}) joins an array into one value")
            return texts[0].split(delimiter) if texts[0] else []
        if len(texts) != 1:
            raise RequestFault(f"'{name}' appears {len(texts)} times, and it is not an exploded array")
        return texts[0]

    def types(self, schema):
        """The JSON types a schema admits, looking through `$ref`, anyOf, oneOf and allOf."""
        schema = self.resolve(schema)
        if not isinstance(schema, dict):
            return set(ALL_TYPES)
        for keyword in ("anyOf", "oneOf"):
            if keyword in schema:
                return set().union(*(self.types(option) for option in schema[keyword]))
        if "allOf" in schema:
            return set.intersection(*(self.types(part) for part in schema["allOf"]))
        kind = schema.get("type")
        if kind is None:
            return {"object"} if "properties" in schema else {"string"} if schema.get("enum") else set(ALL_TYPES)
        return {kind} if isinstance(kind, str) else set(kind)

    def cast(self, value, schema):
        """Text read off the wire as the JSON value the schema describes (deepObject arrays are
        objects keyed 0, 1, ...); a value that fits no reading is left as it is, for the
        validator to refuse."""
        schema = self.resolve(schema)
        if not isinstance(schema, dict):
            return value
        for keyword in ("anyOf", "oneOf"):
            if keyword in schema:
                for option in schema[keyword]:
                    candidate = self.cast(value, option)
                    if OAS30WriteValidator(self.resolve(option), registry=self.registry).is_valid(candidate):
                        return candidate
                return value
        if "allOf" in schema:
            for part in schema["allOf"]:
                value = self.cast(value, part)
            return value
        types = self.types(schema)
        if isinstance(value, str) and types == {"array"}:
            value = [value]  # one item of an exploded array
        if isinstance(value, dict):
            if "array" in types and all(key.isdigit() for key in value):
                indexes = sorted(int(key) for key in value)
                if indexes == list(range(len(indexes))):
                    return [self.cast(value[str(index)], schema.get("items", {})) for index in indexes]
            properties = schema.get("properties") or {}
            extra = schema.get("additionalProperties", {})
            return {key: self.cast(item, properties.get(key, extra if isinstance(extra, dict) else {})) for key, item in value.items()}
        if isinstance(value, list):
            return [self.cast(item, schema.get("items", {})) for item in value]
        if isinstance(value, str):
            if "integer" in types and re.fullmatch(r"-?\d+", value):
                return int(value)
            if "number" in types and re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", value):
                return float(value) if re.search(r"[.eE]", value) else int(value)
            if "boolean" in types and value in ("true", "false"):
                return value == "true"
        return value


def multipart_pairs(content_type, body):
    """(name, text) for each part; a file part's bytes as Latin-1 text (a `format: binary` string)."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    if not message.is_multipart():
        raise RequestFault("the multipart body has no parts")
    pairs = []
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        text = payload.decode("latin-1") if part.get_filename() is not None else payload.decode()
        pairs.append((part.get_param("name", header="content-disposition"), text))
    return pairs


def base_name(key):
    return key.split("[", 1)[0]


def bracket_path(key, name):
    """`name[a][0]` -> ["a", "0"]; `name` -> []; anything else -> None."""
    if not key.startswith(name):
        return None
    rest, parts = key[len(name):], []
    while rest:
        match = re.match(r"\[([^\[\]]*)\]", rest)
        if match is None:
            return None
        parts.append(match.group(1))
        rest = rest[match.end():]
    return parts
