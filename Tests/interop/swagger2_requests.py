"""Checks a recorded HTTP request against the Swagger 2.0 document it was made from.

openapi-core reads only OpenAPI 3, so Swagger 2.0 requests go to bravado-core (Yelp's Swagger 2.0
library, the request validator of pyramid_swagger): it casts and validates every path, query,
header and formData parameter and the body against the operation's own parameter list. What it
leaves out, and Swagger 2.0 states, is checked here beside it: the media type is one the
operation consumes, an empty query or form value appears only where `allowEmptyValue` says so,
only `collectionFormat: multi` parameters repeat, and a form carries no field the operation does
not declare."""
import email.parser
import email.policy
import json
import re
import urllib.parse

import yaml
from bravado_core.exception import SwaggerMappingError
from bravado_core.formatter import SwaggerFormat
from bravado_core.param import unmarshal_param
from bravado_core.request import IncomingRequest
from bravado_core.spec import Spec
from bravado_core.validate import validate_security_object
from jsonschema.exceptions import ValidationError

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


# Kubernetes' own format (an integer or a string such as "50%"); its schemas say `type: string`.
INT_OR_STRING = SwaggerFormat(format="int-or-string", to_wire=str, to_python=lambda value: value,
                              validate=lambda value: None, description="an integer or a string")


class RequestFault(Exception):
    """The request is not one the document allows; the message says why."""


class Recorded(IncomingRequest):
    """A recorded request in the shape bravado-core reads."""

    def __init__(self, path, query, form, headers, files, body):
        self.path, self.query, self.form, self.headers, self.files = path, query, form, headers, files
        self._body = body

    def json(self, **kwargs):
        return json.loads(self._body)


class Headers(dict):
    """Header lookup by any spelling of the name."""

    def __init__(self, headers):
        super().__init__({name.lower(): value for name, value in headers.items()})

    def get(self, name, default=None):
        return super().get(name.lower(), default)


class Swagger2Requests:
    def __init__(self, path):
        document = yaml.safe_load(path.read_text())
        self.spec = Spec(document, origin_url=path.resolve().as_uri(), config={
            "validate_swagger_spec": False, "validate_requests": True, "validate_responses": False,
            "use_models": False, "internally_dereference_refs": False, "formats": [INT_OR_STRING],
        })
        # bravado-core walks every schema its resolver knows; once openapi-core is imported that
        # includes the OpenAPI 3.1 dialect, whose `meta/base` it would then fetch from the internet.
        for uri in [uri for uri in self.spec.resolver.store if uri.startswith("https://spec.openapis.org/")]:
            del self.spec.resolver.store[uri]
        self.spec.build()
        self.consumes = document.get("consumes") or []
        self.operations = {}
        for resource in self.spec.resources.values():
            for operation in resource.operations.values():
                self.operations[(operation.http_method.upper(), operation.path_name)] = operation

    def check(self, method, template, base_path, raw_path, headers, body):
        """Raises RequestFault naming what the document does not allow."""
        operation = self.operations.get((method, template))
        if operation is None:
            raise RequestFault(f"no operation {method} {template} in the document")
        parsed = urllib.parse.urlsplit(raw_path)
        if not parsed.path.startswith(base_path):
            raise RequestFault(f"path {parsed.path} is outside the base path {base_path}")
        path = self.match_path(template, parsed.path[len(base_path):])
        params = operation.params
        query = self.collect(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True), params, "query")
        form, files = {}, {}
        headers = Headers(headers)
        media_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        located = {param.location for param in params.values()}
        if body and ("formData" in located or "body" in located):
            consumes = [kind.split(";")[0].strip().lower() for kind in (operation.op_spec.get("consumes") or self.consumes)]
            if consumes and not any(self.covers(kind, media_type) for kind in consumes):
                raise RequestFault(f"Content-Type {media_type!r} is not one the operation consumes ({consumes})")
        if "formData" in located:
            if media_type == FORM:
                pairs = urllib.parse.parse_qsl(body.decode(), keep_blank_values=True)
            elif media_type == MULTIPART:
                pairs, files = self.multipart(headers.get("Content-Type"), body)
            else:
                pairs = []
            declared = {param.name for param in params.values() if param.location == "formData"}
            unknown = sorted(({name for name, _ in pairs} | set(files)) - declared)
            if unknown:
                raise RequestFault(f"form fields {unknown} are not parameters of the operation")
            form = self.collect(pairs, params, "formData")
        request = Recorded(path, query, form, headers, files, body)
        values = {}
        for param in params.values():  # bravado-core's unmarshal_request, with the failing parameter named
            try:
                values[param.name] = unmarshal_param(param, request)
            except (ValidationError, SwaggerMappingError) as error:
                reason = error.message if isinstance(error, ValidationError) else str(error)
                raise RequestFault(f"{param.location} parameter '{param.name}': {reason[:400]}") from error
        try:
            validate_security_object(operation, values)
        except SwaggerMappingError as error:
            raise RequestFault(f"security: {error}") from error

    @staticmethod
    def covers(media_range, media_type):
        """Whether a `consumes` entry (`*/*`, `type/*` or a full type) admits the media type."""
        kind, _, sub = media_range.partition("/")
        actual_kind, _, actual_sub = media_type.partition("/")
        return kind in ("*", actual_kind) and sub in ("*", actual_sub)

    @staticmethod
    def match_path(template, path):
        names = re.findall(r"{([^}]+)}", template)
        pattern = "^" + re.sub(r"\\{[^}]+\\}", "([^/]+)", re.escape(template)) + "$"
        match = re.match(pattern, path)
        if match is None:
            raise RequestFault(f"path {path} does not match {template}")
        return {name: urllib.parse.unquote(value) for name, value in zip(names, match.groups())}

    @staticmethod
    def collect(pairs, params, location):
        """The values by parameter name: a list for `collectionFormat: multi`, else one string."""
        by_name = {param.name: param for param in params.values() if param.location == location}
        values = {}
        for name, value in pairs:
            param = by_name.get(name)
            if param is None:
                continue
            spec = param.param_spec
            multi = spec.get("type") == "array" and spec.get("collectionFormat") == "multi"
            if value == "" and not spec.get("allowEmptyValue", False) and not multi:
                raise RequestFault(f"{location} parameter '{name}' is empty, and the document does not allow an empty value")
            if multi:
                values.setdefault(name, []).append(value)
            elif name in values:
                raise RequestFault(f"{location} parameter '{name}' appears twice; only collectionFormat multi repeats")
            else:
                values[name] = value
        return values

    @staticmethod
    def multipart(content_type, body):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        pairs, files = [], {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if part.get_filename() is not None:
                files[name] = part.get_payload(decode=True)
            else:
                pairs.append((name, part.get_payload(decode=True).decode()))
        return pairs, files
