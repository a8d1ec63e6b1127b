import MCPCore

extension JSONSchemaValidator {
    /// Evaluation stops here: a schema that refers to itself without consuming the instance.
    static let maximumDepth = 512

    /// Evaluates node `index` against `value`. With a `nil` sink it returns at the first failure;
    /// with a sink it appends every violation found.
    func evaluate(_ index: Int, _ value: JSONValue, location: [String], into sink: inout [SchemaViolation]?, depth: Int) -> Bool {
        guard depth < Self.maximumDepth else { return true }
        var valid = true
        for rule in nodes[index] {
            if !check(rule, value, location: location, into: &sink, depth: depth + 1) {
                valid = false
                if sink == nil { return false }
            }
        }
        return valid
    }

    private func fail(_ sink: inout [SchemaViolation]?, _ location: [String], _ keyword: String, _ message: String) -> Bool {
        sink?.append(SchemaViolation(location: location, keyword: keyword, message: message))
        return false
    }

    private func passes(_ index: Int, _ value: JSONValue, depth: Int) -> Bool {
        var none: [SchemaViolation]?
        return evaluate(index, value, location: [], into: &none, depth: depth)
    }

    // One case per keyword.
    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private func check(_ rule: SchemaRule, _ value: JSONValue, location: [String], into sink: inout [SchemaViolation]?, depth: Int) -> Bool {
        switch rule {
        case .never:
            return fail(&sink, location, "false", "is not allowed here")
        case .types(let types):
            if types.admits(value) { return true }
            return fail(&sink, location, "type", "must be \(types.listed), got \(value.typeName)")
        case .enumeration(let allowed):
            if allowed.contains(where: { JSONComparison.equal($0, value) }) { return true }
            return fail(&sink, location, "enum", "must be one of: " + Self.listing(allowed))
        case .constant(let wanted):
            if JSONComparison.equal(wanted, value) { return true }
            return fail(&sink, location, "const", "must be \(wanted.serialized())")
        case .minimum(let bound, let exclusive):
            guard let order = JSONComparison.compare(value, bound) else { return true }
            if order > 0 || (order == 0 && !exclusive) { return true }
            return fail(&sink, location, exclusive ? "exclusiveMinimum" : "minimum", "must be \(exclusive ? ">" : ">=") \(bound.serialized())")
        case .maximum(let bound, let exclusive):
            guard let order = JSONComparison.compare(value, bound) else { return true }
            if order < 0 || (order == 0 && !exclusive) { return true }
            return fail(&sink, location, exclusive ? "exclusiveMaximum" : "maximum", "must be \(exclusive ? "<" : "<=") \(bound.serialized())")
        case .multipleOf(let step):
            guard value.doubleValue != nil, !JSONComparison.isMultiple(value, of: step) else { return true }
            return fail(&sink, location, "multipleOf", "must be a multiple of \(step.serialized())")
        case .minLength(let count):
            guard case .string(let text) = value, text.unicodeScalars.count < count else { return true }
            return fail(&sink, location, "minLength", "must be at least \(count) character\(count == 1 ? "" : "s") long")
        case .maxLength(let count):
            guard case .string(let text) = value, text.unicodeScalars.count > count else { return true }
            return fail(&sink, location, "maxLength", "must be at most \(count) character\(count == 1 ? "" : "s") long")
        case .pattern(let matcher, let meaning):
            guard case .string(let text) = value, !matcher.matches(text) else { return true }
            return fail(&sink, location, "pattern", meaning ?? "must match the pattern \(matcher.source)")
        case .format(let format):
            guard case .string(let text) = value, !format.accepts(text) else { return true }
            return fail(&sink, location, "format", "must be a valid \(format.rawValue) (like \(format.example))")
        case .minItems(let count):
            guard case .array(let items) = value, items.count < count else { return true }
            return fail(&sink, location, "minItems", "must have at least \(count) item\(count == 1 ? "" : "s")")
        case .maxItems(let count):
            guard case .array(let items) = value, items.count > count else { return true }
            return fail(&sink, location, "maxItems", "must have at most \(count) item\(count == 1 ? "" : "s")")
        case .uniqueItems:
            guard case .array(let items) = value, let (first, second) = Self.repeated(items) else { return true }
            return fail(&sink, location, "uniqueItems", "must not repeat items (items \(first) and \(second) are equal)")
        case .prefixItems(let schemas):
            guard case .array(let items) = value else { return true }
            var valid = true
            for (offset, (schema, item)) in zip(schemas, items).enumerated()
            where !evaluate(schema, item, location: location + [String(offset)], into: &sink, depth: depth) {
                valid = false
                if sink == nil { return false }
            }
            return valid
        case .items(let schema, let start):
            guard case .array(let items) = value, items.count > start else { return true }
            var valid = true
            for offset in start..<items.count where !evaluate(schema, items[offset], location: location + [String(offset)], into: &sink, depth: depth) {
                valid = false
                if sink == nil { return false }
            }
            return valid
        case .contains(let schema, let minimum, let maximum):
            guard case .array(let items) = value else { return true }
            let matching = items.lazy.filter { passes(schema, $0, depth: depth) }.count
            if matching < minimum {
                return fail(&sink, location, "contains", "must contain at least \(minimum) item\(minimum == 1 ? "" : "s") matching the 'contains' schema")
            }
            if let maximum, matching > maximum {
                return fail(&sink, location, "maxContains", "must contain at most \(maximum) item\(maximum == 1 ? "" : "s") matching the 'contains' schema")
            }
            return true
        case .minProperties(let count):
            guard case .object(let members) = value, members.count < count else { return true }
            return fail(&sink, location, "minProperties", "must have at least \(count) propert\(count == 1 ? "y" : "ies")")
        case .maxProperties(let count):
            guard case .object(let members) = value, members.count > count else { return true }
            return fail(&sink, location, "maxProperties", "must have at most \(count) propert\(count == 1 ? "y" : "ies")")
        case .required(let names):
            guard case .object(let members) = value else { return true }
            var valid = true
            for name in names where members[name] == nil {
                valid = false
                guard sink != nil else { return false }
                sink?.append(SchemaViolation(location: location, keyword: "required", message: "missing required property '\(name)'", property: name))
            }
            return valid
        case .properties(let schemas):
            guard case .object(let members) = value else { return true }
            var valid = true
            for (name, member) in members {
                guard let schema = schemas[name] else { continue }
                if !evaluate(schema, member, location: location + [name], into: &sink, depth: depth) {
                    valid = false
                    if sink == nil { return false }
                }
            }
            return valid
        case .patternProperties(let entries):
            guard case .object(let members) = value else { return true }
            var valid = true
            for (name, member) in members {
                for (matcher, schema) in entries where matcher.matches(name) {
                    if !evaluate(schema, member, location: location + [name], into: &sink, depth: depth) {
                        valid = false
                        if sink == nil { return false }
                    }
                }
            }
            return valid
        case .additionalProperties(let schema, let known, let patterns):
            guard case .object(let members) = value else { return true }
            var valid = true
            let forbidden = nodes[schema].count == 1 && { if case .never = nodes[schema][0] { return true } else { return false } }()
            for (name, member) in members where !known.contains(name) && !patterns.contains(where: { $0.matches(name) }) {
                if forbidden {
                    valid = false
                    guard sink != nil else { return false }
                    let expected = known.sorted().joined(separator: ", ")
                    let message = "unknown property '\(name)'" + (known.isEmpty ? " (none are accepted here)" : "; expected one of: \(expected)")
                    sink?.append(SchemaViolation(location: location, keyword: "additionalProperties", message: message, property: name))
                } else if !evaluate(schema, member, location: location + [name], into: &sink, depth: depth) {
                    valid = false
                    if sink == nil { return false }
                }
            }
            return valid
        case .propertyNames(let schema):
            guard case .object(let members) = value else { return true }
            for name in members.keys where !passes(schema, .string(name), depth: depth) {
                return fail(&sink, location, "propertyNames", "has a property name the schema does not allow: '\(name)'")
            }
            return true
        case .dependentRequired(let entries):
            guard case .object(let members) = value else { return true }
            var valid = true
            for (trigger, names) in entries where members[trigger] != nil {
                for name in names where members[name] == nil {
                    valid = false
                    guard sink != nil else { return false }
                    sink?.append(
                        SchemaViolation(
                            location: location, keyword: "dependentRequired", message: "'\(name)' is required when '\(trigger)' is given", property: name
                        )
                    )
                }
            }
            return valid
        case .dependentSchemas(let entries):
            guard case .object(let members) = value else { return true }
            var valid = true
            for (trigger, schema) in entries where members[trigger] != nil {
                if !evaluate(schema, value, location: location, into: &sink, depth: depth) {
                    valid = false
                    if sink == nil { return false }
                }
            }
            return valid
        case .allOf(let schemas):
            var valid = true
            for schema in schemas where !evaluate(schema, value, location: location, into: &sink, depth: depth) {
                valid = false
                if sink == nil { return false }
            }
            return valid
        case .anyOf(let schemas):
            if schemas.contains(where: { passes($0, value, depth: depth) }) { return true }
            return alternativesFailed(schemas, value, keyword: "anyOf", location: location, into: &sink, depth: depth)
        case .oneOf(let schemas):
            let matching = schemas.indices.filter { passes(schemas[$0], value, depth: depth) }
            if matching.count == 1 { return true }
            if matching.isEmpty {
                return alternativesFailed(schemas, value, keyword: "oneOf", location: location, into: &sink, depth: depth)
            }
            return fail(&sink, location, "oneOf", "must match exactly one of \(schemas.count) alternatives, but matches \(matching.count) (oneOf)")
        case .not(let schema):
            guard passes(schema, value, depth: depth) else { return true }
            for rule in nodes[schema] {
                if case .enumeration(let values) = rule, nodes[schema].count == 1 {
                    return fail(&sink, location, "not", "must not be " + Self.listing(values, separator: " or "))
                }
                if case .pattern(let matcher, _) = rule {
                    let message = patternMeanings["not:" + matcher.source] ?? "must not contain a match of the pattern \(matcher.source)"
                    return fail(&sink, location, "not", message)
                }
            }
            return fail(&sink, location, "not", "must not match the schema in 'not'")
        case .conditional(let condition, let then, let otherwise):
            let branch = passes(condition, value, depth: depth) ? then : otherwise
            guard let branch else { return true }
            return evaluate(branch, value, location: location, into: &sink, depth: depth)
        case .reference(let target):
            return evaluate(target, value, location: location, into: &sink, depth: depth)
        }
    }

    /// No alternative matched: when exactly one alternative accepts the value's type, its own
    /// violations say more than "matches none"; otherwise name the alternatives' count.
    private func alternativesFailed(
        _ schemas: [Int], _ value: JSONValue, keyword: String, location: [String], into sink: inout [SchemaViolation]?, depth: Int
    ) -> Bool {
        guard sink != nil else { return false }
        var candidates: [[SchemaViolation]] = []
        for schema in schemas {
            var found: [SchemaViolation]? = []
            _ = evaluate(schema, value, location: location, into: &found, depth: depth)
            let violations = found ?? []
            if !violations.contains(where: { $0.keyword == "type" && $0.location == location }) { candidates.append(violations) }
        }
        if candidates.count == 1, let only = candidates.first, !only.isEmpty {
            sink?.append(contentsOf: only)
        } else {
            sink?.append(SchemaViolation(location: location, keyword: keyword, message: "must match one of the \(schemas.count) alternatives the schema lists (\(keyword))"))
        }
        return false
    }

    static func listing(_ values: [JSONValue], separator: String = ", ") -> String {
        values.prefix(20).map { $0.serialized() }.joined(separator: separator) + (values.count > 20 ? separator + "…" : "")
    }

    /// The first pair of equal items, by index.
    static func repeated(_ items: [JSONValue]) -> (Int, Int)? {
        for second in items.indices {
            for first in 0..<second where JSONComparison.equal(items[first], items[second]) { return (first, second) }
        }
        return nil
    }
}
