"""Instances for schema tests: valid ones generated from the schema (hypothesis-jsonschema, fixed
seed) and near misses made from them by replacing one value with a boundary or a wrong-typed one,
so every keyword of a schema is exercised on both sides of its rule."""
import json
import random

from hypothesis import HealthCheck, Phase, given, seed, settings, strategies
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator, FormatChecker

SEED = 20261127
# The formats Toolgate's validator checks (Sources/JSONSchemaValidation/StringFormat.swift); every
# other format is an annotation, as in JSON Schema 2020-12. Named here so the reference checks the
# same set whatever optional format packages the venv holds (bravado-core pulls in several).
# (Taken from the 2020-12 checker: FormatChecker's own registry holds draft 3's `time` under the same name.)
FORMATS = FormatChecker(formats=())
FORMATS.checkers = {name: Draft202012Validator.FORMAT_CHECKER.checkers[name]
                    for name in ("date", "date-time", "time", "email", "uuid", "uri", "ipv4", "ipv6")}


def reference_validator(schema):
    """Python's jsonschema, draft 2020-12, checking the formats Toolgate checks."""
    return Draft202012Validator(schema, format_checker=FORMATS)


# A checked format hypothesis-jsonschema has no strategy for (it would draw any string).
CUSTOM_FORMATS = {"uuid": strategies.uuids().map(str)}


def _for_generation(schema):
    """The schema hypothesis-jsonschema draws from: a `pattern` beside a checked `format` is left
    out (it would draw from the pattern alone and never meet the format, e.g. a uuid path value
    with Toolgate's `[^.]`); callers keep only what the full schema admits."""
    if isinstance(schema, list):
        return [_for_generation(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: _for_generation(value) for key, value in schema.items()}
    if isinstance(out.get("format"), str) and out["format"] in FORMATS.checkers and isinstance(out.get("pattern"), str):
        del out["pattern"]
    return out


def draw(schema, count):
    """Up to `count` values valid under `schema`, from a fixed seed so every run sends the same
    values; an empty list when hypothesis-jsonschema cannot generate from the schema."""
    found = []

    @seed(SEED)
    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(from_schema(_for_generation(schema), custom_formats=CUSTOM_FORMATS))
    def capture(value):
        found.append(value)

    try:
        capture()
    except Exception:  # a schema hypothesis-jsonschema cannot generate from (e.g. recursive)
        return []
    return found[:count]


def _constants(schema, numbers, lengths, values):
    """Collects the schema's bounds, lengths and listed values (they sit at rule boundaries)."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf") and isinstance(value, (int, float)) and not isinstance(value, bool):
                numbers.add(value)
            elif key in ("minLength", "maxLength", "minItems", "maxItems") and isinstance(value, int):
                lengths.add(value)
            elif key in ("enum",) and isinstance(value, list):
                values.extend(value[:5])
            elif key == "const":
                values.append(value)
            _constants(value, numbers, lengths, values)
    elif isinstance(schema, list):
        for item in schema:
            _constants(item, numbers, lengths, values)


GENERIC = [
    None, True, 0, -1, 1.5, 2**31, 2**63, -(2**63) - 1, 9007199254740993, 1e300, "", ".", "..", "a\n", "x" * 70,
    "not a date", "2024-02-30", "2024-02-29T12:00:00Z", "2024-02-29T24:00:00Z", "12:00:00Z", "2024-02-29",
    "123e4567-e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456-42661417400", "a@b", "ab", "https://example.com/a?b#c",
    "http://a b", "urn:x:y", "/relative", "192.0.2.1", "192.0.2.01", "::1", "1::2::3", "QUJD", "QUJ", "data:x;base64,QUJD",
    "\u00e9\U0001F600", [], [1, 1], [1, True], {}, {"zz_unknown": 1},
]


def _locations(value, path=()):
    yield path, value
    if isinstance(value, dict):
        for key, member in value.items():
            yield from _locations(member, path + (key,))
    elif isinstance(value, list):
        for index, member in enumerate(value):
            yield from _locations(member, path + (index,))


def _replace(value, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        copy = dict(value)
        copy[head] = _replace(value[head], rest, new)
        return copy
    copy = list(value)
    copy[head] = _replace(value[head], rest, new)
    return copy


def _delete(value, path):
    """The value without the member at `path` (a dict key or a list item)."""
    parent, last = path[:-1], path[-1]
    target = value
    for step in parent:
        target = target[step]
    if isinstance(target, dict):
        copy = {k: v for k, v in target.items() if k != last}
    else:
        copy = target[:last] + target[last + 1:]
    return _replace(value, parent, copy)


def near_misses(schema, valid, count, rng):
    """`count` variations of the valid values: one value replaced, removed, duplicated or moved
    across a boundary the schema states."""
    numbers, lengths, values = set(), set(), []
    _constants(schema, numbers, lengths, values)
    candidates = list(GENERIC) + values
    for number in numbers:
        candidates += [number, number - 1, number + 1, number + 0.5, number * 3]
    for length in sorted(lengths)[:8]:
        if length > 2000:  # a megabyte-long boundary value tests nothing a short one does not
            continue
        for size in (max(length - 1, 0), length, length + 1):
            candidates += ["a" * size, [1 + i for i in range(size)]]
    found = []
    bases = valid or [{}]
    for _ in range(count * 4):
        if len(found) >= count:
            break
        base = rng.choice(bases)
        spots = list(_locations(base))
        path, current = rng.choice(spots)
        roll = rng.random()
        if roll < 0.15 and path:
            variant = _delete(base, path)
        elif roll < 0.25 and isinstance(current, list) and current:
            variant = _replace(base, path, current + [current[0]])
        elif roll < 0.3 and isinstance(current, dict):
            variant = _replace(base, path, {**current, "zz_extra": "x"})
        else:
            variant = _replace(base, path, rng.choice(candidates))
        found.append(variant)
    return found


def instances(schema, valid_count=3, miss_count=12):
    """Valid values and near misses for one schema, the same on every run."""
    rng = random.Random(json.dumps(schema, sort_keys=True)[:2000] + str(SEED))
    valid = draw(schema, valid_count)
    return valid + near_misses(schema, valid, miss_count, rng)
