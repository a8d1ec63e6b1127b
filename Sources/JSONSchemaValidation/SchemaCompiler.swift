import Foundation
import MCPCore

/// Compiles a JSON Schema 2020-12 document into a table of rule lists, one per schema location.
/// Each location is compiled once (a `$ref` to a location being compiled points at its reserved
/// slot), so recursive schemas stay finite.
struct SchemaCompiler {
    let root: JSONValue
    private(set) var nodes: [[SchemaRule]] = []
    private var byPointer: [String: Int] = [:]
    /// Patterns Swift's regex engine could not compile (they check nothing).
    private(set) var uncompiledPatterns: [String] = []

    let patternMeanings: [String: String]

    init(root: JSONValue, patternMeanings: [String: String] = [:]) {
        self.root = root
        self.patternMeanings = patternMeanings
    }

    mutating func compile(_ schema: JSONValue, pointer: String) -> Int {
        if let index = byPointer[pointer] { return index }
        let index = nodes.count
        nodes.append([])
        byPointer[pointer] = index
        let rules = rules(for: schema, pointer: pointer)
        nodes[index] = rules
        return index
    }

    private mutating func matcher(_ source: String) -> PatternMatcher {
        let matcher = PatternMatcher(source)
        if !matcher.isCompiled { uncompiledPatterns.append(source) }
        return matcher
    }

    private mutating func rules(for schema: JSONValue, pointer: String) -> [SchemaRule] {
        switch schema {
        case .bool(false): return [.never]
        case .object(let object): return rules(for: object, pointer: pointer)
        default: return []
        }
    }

    private mutating func sub(_ schema: JSONValue, _ pointer: String, _ tokens: String...) -> Int {
        var here = pointer
        for token in tokens { here = JSONPointer.join(here, token) }
        return compile(schema, pointer: here)
    }

    private mutating func list(_ value: JSONValue?, _ pointer: String, _ keyword: String) -> [Int]? {
        guard let items = value?.arrayValue else { return nil }
        return items.enumerated().map { sub($1, pointer, keyword, String($0)) }
    }

    // One switch over the vocabulary; splitting it would only scatter the keyword table.
    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private mutating func rules(for object: JSONObject, pointer: String) -> [SchemaRule] {
        var rules: [SchemaRule] = []
        if let ref = object["$ref"]?.stringValue, ref.hasPrefix("#") {
            let target = String(ref.dropFirst()).removingPercentEncoding ?? String(ref.dropFirst())
            if let resolved = JSONPointer.resolve(target, in: root) {
                rules.append(.reference(compile(resolved, pointer: target)))
            }
        }
        switch object["type"] {
        case .string(let name):
            if let types = SchemaTypes(name: name) { rules.append(.types(types)) }
        case .array(let names):
            let types = names.compactMap { $0.stringValue.flatMap(SchemaTypes.init(name:)) }.reduce(SchemaTypes()) { $0.union($1) }
            rules.append(.types(types))
        default: break
        }
        if let values = object["enum"]?.arrayValue { rules.append(.enumeration(values)) }
        if let value = object["const"] { rules.append(.constant(value)) }
        if let value = object["minimum"], value.doubleValue != nil { rules.append(.minimum(value, exclusive: false)) }
        if let value = object["exclusiveMinimum"], value.doubleValue != nil { rules.append(.minimum(value, exclusive: true)) }
        if let value = object["maximum"], value.doubleValue != nil { rules.append(.maximum(value, exclusive: false)) }
        if let value = object["exclusiveMaximum"], value.doubleValue != nil { rules.append(.maximum(value, exclusive: true)) }
        if let value = object["multipleOf"], let step = value.doubleValue, step > 0 { rules.append(.multipleOf(value)) }
        if let count = object["minLength"]?.intValue { rules.append(.minLength(Int(count))) }
        if let count = object["maxLength"]?.intValue { rules.append(.maxLength(Int(count))) }
        if let source = object["pattern"]?.stringValue {
            // A pattern that spells out an encoding is explained by it, not by its regex.
            let meaning = patternMeanings[source]
                ?? (object["contentEncoding"] == "base64" ? "must be base64-encoded (standard alphabet, with = padding)" : nil)
            rules.append(.pattern(matcher(source), meaning: meaning))
        }
        if let name = object["format"]?.stringValue, let format = StringFormat(rawValue: name) { rules.append(.format(format)) }
        if let count = object["minItems"]?.intValue { rules.append(.minItems(Int(count))) }
        if let count = object["maxItems"]?.intValue { rules.append(.maxItems(Int(count))) }
        if object["uniqueItems"] == .bool(true) { rules.append(.uniqueItems) }
        let prefix = list(object["prefixItems"], pointer, "prefixItems") ?? []
        if !prefix.isEmpty { rules.append(.prefixItems(prefix)) }
        if let items = object["items"], items.objectValue != nil || items.boolValue != nil {
            rules.append(.items(sub(items, pointer, "items"), from: prefix.count))
        }
        if let contains = object["contains"] {
            let minimum = object["minContains"]?.intValue.map { Int($0) } ?? 1
            rules.append(.contains(sub(contains, pointer, "contains"), min: minimum, max: object["maxContains"]?.intValue.map { Int($0) }))
        }
        if let count = object["minProperties"]?.intValue { rules.append(.minProperties(Int(count))) }
        if let count = object["maxProperties"]?.intValue { rules.append(.maxProperties(Int(count))) }
        if let names = object["required"]?.arrayValue?.compactMap(\.stringValue), !names.isEmpty { rules.append(.required(names)) }
        var known: Set<String> = []
        if let properties = object["properties"]?.objectValue {
            var compiled: [String: Int] = [:]
            for (name, schema) in properties {
                compiled[name] = sub(schema, pointer, "properties", name)
                known.insert(name)
            }
            rules.append(.properties(compiled))
        }
        var patterns: [PatternMatcher] = []
        if let map = object["patternProperties"]?.objectValue {
            let compiled = map.map { (matcher($0.key), sub($0.value, pointer, "patternProperties", $0.key)) }
            patterns = compiled.map(\.0)
            rules.append(.patternProperties(compiled))
        }
        if let additional = object["additionalProperties"] {
            rules.append(.additionalProperties(sub(additional, pointer, "additionalProperties"), known: known, patterns: patterns))
        }
        if let names = object["propertyNames"] { rules.append(.propertyNames(sub(names, pointer, "propertyNames"))) }
        if let map = object["dependentRequired"]?.objectValue {
            rules.append(.dependentRequired(map.map { ($0.key, $0.value.arrayValue?.compactMap(\.stringValue) ?? []) }))
        }
        if let map = object["dependentSchemas"]?.objectValue {
            rules.append(.dependentSchemas(map.map { ($0.key, sub($0.value, pointer, "dependentSchemas", $0.key)) }))
        }
        if let all = list(object["allOf"], pointer, "allOf") { rules.append(.allOf(all)) }
        if let any = list(object["anyOf"], pointer, "anyOf") { rules.append(.anyOf(any)) }
        if let one = list(object["oneOf"], pointer, "oneOf") { rules.append(.oneOf(one)) }
        if let not = object["not"] { rules.append(.not(sub(not, pointer, "not"))) }
        if let condition = object["if"] {
            rules.append(
                .conditional(
                    if: sub(condition, pointer, "if"), then: object["then"].map { sub($0, pointer, "then") },
                    else: object["else"].map { sub($0, pointer, "else") }
                )
            )
        }
        return rules
    }
}
