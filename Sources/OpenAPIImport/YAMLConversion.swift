import MCPCore
import OrderedCollections
import Yams

/// Turns a composed YAML node tree into a `JSONValue`, keeping key order and resolving scalars by
/// the YAML 1.2 core schema (so `yes`, `on` and dates stay strings, as OpenAPI authors mean them).
enum YAMLConversion {
    /// Plain scalars are classified by hand (no regular expressions: they dominate load time on big documents).
    static let resolver = Resolver.basic

    static func value(of node: Node) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            return scalarValue(scalar)
        case .sequence(let sequence):
            return .array(sequence.map(value(of:)))
        case .mapping(let mapping):
            var object = JSONObject(minimumCapacity: mapping.count)
            for (keyNode, valueNode) in mapping {
                let key = keyNode.string ?? "\(value(of: keyNode))"
                if case .scalar(let key) = keyNode, key.style == .plain, key.string == "<<" {
                    merge(value(of: valueNode), into: &object)
                } else {
                    object[key] = value(of: valueNode)
                }
            }
            return .object(object)
        case .alias:
            return .null
        }
    }

    private static func merge(_ source: JSONValue, into object: inout JSONObject) {
        switch source {
        case .object(let members):
            for (key, value) in members where object[key] == nil { object[key] = value }
        case .array(let list):
            for element in list { merge(element, into: &object) }
        default:
            break
        }
    }

    private static func scalarValue(_ scalar: Node.Scalar) -> JSONValue {
        let text = scalar.string
        let explicitTag = scalar.tag.rawValue
        if explicitTag == Tag.Name.str.rawValue { return .string(text) }
        guard scalar.style == .plain || scalar.style == .any || !explicitTag.isEmpty && explicitTag != "!" else {
            return .string(text)
        }
        return plainValue(text)
    }

    /// The YAML 1.2 core schema: null, booleans, integers (decimal, 0o, 0x), floats.
    static func plainValue(_ text: String) -> JSONValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        guard let first = text.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
            || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
        else { return .string(text) }
        if text.utf8.allSatisfy({ ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") }),
            let int = Int64(text)
        {
            return .int(int)
        }
        if text.hasPrefix("0x"), let int = Int64(text.dropFirst(2), radix: 16) { return .int(int) }
        if text.hasPrefix("0o"), let int = Int64(text.dropFirst(2), radix: 8) { return .int(int) }
        if isCoreFloat(text), let double = Double(text), double.isFinite { return .double(double) }
        return .string(text)
    }

    /// `[-+]? ( . [0-9]+ | [0-9]+ ( . [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
    private static func isCoreFloat(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        func digits() -> Int {
            var count = 0
            while let byte = bytes.first, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                bytes = bytes.dropFirst()
                count += 1
            }
            return count
        }
        if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        let whole = digits()
        var fraction = 0
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            fraction = digits()
        }
        guard whole > 0 || fraction > 0 else { return false }
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }
}
