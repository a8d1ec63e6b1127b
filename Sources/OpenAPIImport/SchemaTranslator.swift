import MCPCore
import OrderedCollections

/// Translates OpenAPI (2.0/3.0/3.1) schemas into JSON Schema 2020-12 documents.
///
/// `$ref`s are inlined; a reference that is already being inlined (a cycle), or any reference
/// once a document's node budget is spent, becomes `{"$ref": "#/$defs/Name"}` with the definition
/// added to that document's `$defs`, so recursive and huge schemas stay valid and bounded.
/// Closed translations (no `$defs` references inside) are cached across the whole import.
final class SchemaTranslator {
    enum Mode: Hashable { case input, output }

    private struct CacheKey: Hashable {
        var ref: String
        var mode: Mode
    }

    let root: JSONValue
    /// Schema nodes one document may inline before further references go to `$defs`.
    let nodeBudget: Int
    var diagnostics = DiagnosticLog()
    private var cache: [CacheKey: (value: JSONValue, nodes: Int)] = [:]

    // Per-document state.
    private(set) var mode: Mode = .input
    private var stack: [String] = []
    private var defNames: OrderedDictionary<String, String> = [:]
    private var nodesUsed = 0
    private var defRefsEmitted = 0

    init(root: JSONValue, nodeBudget: Int = 4000) {
        self.root = root
        self.nodeBudget = nodeBudget
    }

    /// Starts a new schema document (one tool's input or output schema).
    func beginDocument(mode: Mode) {
        self.mode = mode
        stack = []
        defNames = [:]
        nodesUsed = 0
    }

    /// Adds the `$defs` the document needs (built to closure) to its root object.
    func finishDocument(_ schema: inout JSONObject) {
        var defs = JSONObject()
        var index = 0
        while index < defNames.count {
            let (ref, name) = (defNames.keys[index], defNames.values[index])
            let pointer = String(ref.dropFirst())
            if let target = JSONPointer.resolve(pointer, in: root) {
                stack = [ref]
                defs[name] = translate(target, pointer: pointer)
                stack = []
            } else {
                defs[name] = .object([:])
            }
            index += 1
        }
        if !defs.isEmpty { schema["$defs"] = .object(defs) }
    }

    /// True when the schema (following references) is marked `readOnly` (input) or `writeOnly` (output).
    func isHidden(_ schema: JSONValue) -> Bool {
        let key = mode == .input ? "readOnly" : "writeOnly"
        return follow(schema)[key] == .bool(true)
    }

    /// Follows `$ref` chains (bounded) to the schema they name.
    func follow(_ schema: JSONValue) -> JSONValue {
        var current = schema
        for _ in 0..<16 {
            guard let ref = current["$ref"]?.stringValue, ref.hasPrefix("#"),
                let target = JSONPointer.resolve(String(ref.dropFirst()), in: root)
            else { return current }
            current = target
        }
        return current
    }

    /// Translates one schema found at `pointer`.
    func translate(_ schema: JSONValue, pointer: String) -> JSONValue {
        switch schema {
        case .bool:
            return schema
        case .object(let object):
            nodesUsed += 1
            if let ref = object["$ref"]?.stringValue {
                return translateReference(ref, siblings: object, pointer: pointer)
            }
            return translateObject(object, pointer: pointer)
        default:
            diagnostics.add(.warning, pointer, "a schema must be an object or a boolean; replaced by an unconstrained schema")
            return .object([:])
        }
    }

    private func translateReference(_ ref: String, siblings: JSONObject, pointer: String) -> JSONValue {
        guard ref.hasPrefix("#") else {
            diagnostics.add(.warning, pointer, "external reference '\(ref)' is not resolved by this importer; the argument accepts any value")
            return ["description": .string("Unresolved reference \(ref)")]
        }
        let targetPointer = String(ref.dropFirst())
        guard let target = JSONPointer.resolve(targetPointer, in: root) else {
            diagnostics.add(.error, pointer, "reference '\(ref)' points at nothing; the argument accepts any value")
            return .object([:])
        }
        var result: JSONValue
        if stack.contains(ref) {
            diagnostics.add(.info, targetPointer, "recursive schema: expressed with $defs and $ref")
            result = definitionReference(ref)
        } else if nodesUsed > nodeBudget || stack.count >= 64 {
            result = definitionReference(ref)
        } else if let cached = cache[CacheKey(ref: ref, mode: mode)] {
            nodesUsed += cached.nodes
            result = cached.value
        } else {
            let refsBefore = defRefsEmitted
            let nodesBefore = nodesUsed
            stack.append(ref)
            result = translate(target, pointer: targetPointer)
            stack.removeLast()
            if defRefsEmitted == refsBefore {
                cache[CacheKey(ref: ref, mode: mode)] = (result, nodesUsed - nodesBefore)
            }
        }
        // OpenAPI 3.1 allows keywords beside $ref; annotations beside it override the target's.
        let annotations = siblings.filter { ["description", "title", "default", "examples", "deprecated"].contains($0.key) }
        if !annotations.isEmpty {
            if case .object(var object) = result, object["$ref"] == nil {
                for (key, value) in annotations { object[key] = value }
                result = .object(object)
            } else if siblings["nullable"] != .bool(true) {
                var wrapped: JSONObject = ["allOf": [result]]
                for (key, value) in annotations { wrapped[key] = value }
                result = .object(wrapped)
            }
        }
        if siblings["nullable"] == .bool(true) {
            result = ["anyOf": [result, ["type": "null"]]]
        }
        return result
    }

    private func definitionReference(_ ref: String) -> JSONValue {
        defRefsEmitted += 1
        if let name = defNames[ref] { return ["$ref": .string("#/$defs/\(name)")] }
        let last = ref.split(separator: "/").last.map { JSONPointer.unescape(String($0)) } ?? "Schema"
        var base = String(last.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") ? $0 : "_" })
        if base.isEmpty { base = "Schema" }
        var name = base
        var counter = 2
        while defNames.values.contains(name) {
            name = "\(base)_\(counter)"
            counter += 1
        }
        defNames[ref] = name
        return ["$ref": .string("#/$defs/\(name)")]
    }
}

/// Collects diagnostics once per (pointer, message).
struct DiagnosticLog {
    private(set) var items: [Diagnostic] = []
    private var seen: Set<Diagnostic> = []

    mutating func add(_ severity: Diagnostic.Severity, _ pointer: String, _ message: String) {
        let diagnostic = Diagnostic(severity, pointer, message)
        if seen.insert(diagnostic).inserted { items.append(diagnostic) }
    }

    mutating func append(contentsOf other: DiagnosticLog) {
        for item in other.items { add(item.severity, item.pointer, item.message) }
    }
}
