import CLibYAML
import MCPCore

/// Builds a `JSONValue` straight from libyaml's event stream: no intermediate node tree, key
/// order kept, anchors and aliases expanded, `<<` merge keys applied, scalars resolved by the
/// YAML 1.2 core schema (so `yes`, `on` and dates stay strings, as OpenAPI authors mean them).
public struct YAMLReader {
    /// A YAML syntax error with its position (1-based line and column).
    public struct SyntaxError: Error, CustomStringConvertible {
        public var message: String
        public var line: Int
        public var column: Int
        public var description: String { "\(message) at line \(line), column \(column)" }
    }

    /// An open collection. A class, so appending mutates in place (no copy-on-write of big arrays).
    private final class Frame {
        let isObject: Bool
        let anchor: String?
        /// The JSON pointer of this collection (kept only when positions are recorded).
        let pointer: String
        var items: [JSONValue] = []
        var object = JSONObject()
        var pendingKey: String?
        var merging = false

        init(isObject: Bool, anchor: String?, pointer: String) {
            self.isObject = isObject
            self.anchor = anchor
            self.pointer = pointer
        }

        /// The pointer of the value about to be delivered into this collection.
        var childPointer: String {
            isObject ? pointer + "/" + JSONPointer.escape(pendingKey ?? "") : pointer + "/\(items.count)"
        }

        var expectsKey: Bool { isObject && pendingKey == nil && !merging }

        func take() -> JSONValue { isObject ? .object(object) : .array(items) }
    }

    private static let mergeKey = "<<"
    private static let stringTag = "tag:yaml.org,2002:str"

    /// Parses the first document of a YAML stream.
    public static func parse(_ bytes: [UInt8], positions: YAMLPositions? = nil) throws(SyntaxError) -> JSONValue {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw SyntaxError(message: "libyaml could not start", line: 0, column: 0) }
        defer { yaml_parser_delete(&parser) }
        return try bytes.withUnsafeBufferPointer { buffer throws(SyntaxError) -> JSONValue in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            return try read(&parser, positions: positions)
        }
    }

    private static func read(_ parser: inout yaml_parser_t, positions: YAMLPositions?) throws(SyntaxError) -> JSONValue {
        var stack: [Frame] = []
        var anchors: [String: JSONValue] = [:]
        var result: JSONValue?
        var event = yaml_event_t()

        func deliver(_ value: JSONValue, anchor: String?) {
            if let anchor { anchors[anchor] = value }
            guard let top = stack.last else {
                result = value
                return
            }
            if !top.isObject {
                top.items.append(value)
            } else if top.merging {
                merge(value, into: &top.object)
                top.merging = false
            } else if let key = top.pendingKey {
                top.object[key] = value
                top.pendingKey = nil
            } else {
                // A non-scalar key (rare): its JSON text is the key.
                top.pendingKey = value.serialized()
            }
        }

        while result == nil {
            guard yaml_parser_parse(&parser, &event) == 1 else {
                let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
                throw SyntaxError(message: problem, line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
            }
            defer { yaml_event_delete(&event) }
            if let positions { note(event, stack: stack, in: positions) }
            switch event.type {
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let text = string(scalar.value, Int(scalar.length))
                let anchor = scalar.anchor.map { String(cString: $0) }
                if let top = stack.last, top.expectsKey {
                    if scalar.style == YAML_PLAIN_SCALAR_STYLE && text == mergeKey {
                        top.merging = true
                    } else {
                        top.pendingKey = text
                    }
                    continue
                }
                let tag = scalar.tag.map { String(cString: $0) }
                let value: JSONValue
                if tag == stringTag || (scalar.style != YAML_PLAIN_SCALAR_STYLE && tag == nil) || (tag != nil && tag!.hasPrefix("!") == false && !tag!.hasPrefix("tag:yaml.org,2002:")) {
                    value = .string(text)
                } else {
                    value = YAMLConversion.plainValue(text)
                }
                deliver(value, anchor: anchor)
            case YAML_SEQUENCE_START_EVENT:
                let pointer = positions == nil ? "" : stack.last?.childPointer ?? ""
                stack.append(Frame(isObject: false, anchor: event.data.sequence_start.anchor.map { String(cString: $0) }, pointer: pointer))
            case YAML_MAPPING_START_EVENT:
                let pointer = positions == nil ? "" : stack.last?.childPointer ?? ""
                stack.append(Frame(isObject: true, anchor: event.data.mapping_start.anchor.map { String(cString: $0) }, pointer: pointer))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                if let frame = stack.popLast() { deliver(frame.take(), anchor: frame.anchor) }
            case YAML_ALIAS_EVENT:
                let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
                guard let value = anchors[name] else {
                    throw SyntaxError(message: "unknown alias '*\(name)'", line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
                }
                deliver(value, anchor: nil)
            case YAML_DOCUMENT_END_EVENT, YAML_STREAM_END_EVENT:
                if result == nil { result = .null }
            default:
                continue
            }
        }
        return result ?? .null
    }

    /// Records where a node starts: a mapping member at its key, a sequence element at itself.
    private static func note(_ event: yaml_event_t, stack: [Frame], in positions: YAMLPositions) {
        let mark = (line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        guard let top = stack.last else {
            if event.type == YAML_MAPPING_START_EVENT || event.type == YAML_SEQUENCE_START_EVENT || event.type == YAML_SCALAR_EVENT {
                positions.record("", mark)
            }
            return
        }
        switch event.type {
        case YAML_SCALAR_EVENT where top.expectsKey:
            let scalar = event.data.scalar
            positions.record(top.pointer + "/" + JSONPointer.escape(string(scalar.value, Int(scalar.length))), mark)
        case YAML_SCALAR_EVENT, YAML_MAPPING_START_EVENT, YAML_SEQUENCE_START_EVENT, YAML_ALIAS_EVENT:
            if !top.isObject { positions.record(top.childPointer, mark) }
        default:
            break
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<UInt8>?, _ length: Int) -> String {
        guard let pointer, length > 0 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
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
}
