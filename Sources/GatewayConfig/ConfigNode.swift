import Foundation
import MCPCore
import YAMLReader

/// One value of a configuration file with what is needed to report a problem with it: its JSON
/// pointer, the file's node positions and the environment for `${VAR}` substitution.
struct ConfigNode: Sendable {
    let value: JSONValue
    let pointer: String
    let source: Source

    struct Source: Sendable {
        let file: String
        let positions: YAMLPositions
        let environment: EnvironmentSubstitution
    }

    /// The field's path for people: `/servers/0/openapi` → `servers[0].openapi`.
    var field: String {
        var path = ""
        for token in pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            let name = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if Int(name) != nil { path += "[\(name)]" } else { path += path.isEmpty ? name : ".\(name)" }
        }
        return path
    }

    func error(_ code: ConfigurationError.Code, _ message: String) -> ConfigurationError {
        let position = source.positions.position(of: pointer)
        return ConfigurationError(code, message, file: source.file, line: position?.line, column: position?.column, field: field)
    }

    func child(_ key: String, _ value: JSONValue) -> ConfigNode {
        ConfigNode(value: value, pointer: pointer + "/" + JSONPointer.escape(key), source: source)
    }

    /// The members of an object, refusing every key not in `allowed` (all of them, each with the
    /// closest known name as a hint).
    func object(allowed: [String]) throws(ConfigurationError) -> [String: ConfigNode] {
        var problems = ProblemList()
        let nodes = try object(allowed: allowed, problems: &problems)
        if let failure = ConfigurationError.combined(problems.problems) { throw failure }
        return nodes
    }

    /// The members of an object; every key not in `allowed` is added to `problems` and left out.
    func object(allowed: [String], problems: inout ProblemList) throws(ConfigurationError) -> [String: ConfigNode] {
        guard case .object(let members) = value else { throw error(.invalidValue, "expected a mapping, found \(Self.kind(of: value))") }
        var nodes: [String: ConfigNode] = [:]
        for (key, member) in members {
            guard allowed.contains(key) else {
                let hint = allowed.min { Self.distance($0, key) < Self.distance($1, key) }
                let suggestion = hint.map { Self.distance($0, key) <= 3 ? " (did you mean '\($0)'?)" : "" } ?? ""
                problems.add(child(key, member).error(.unknownField, "unknown field '\(key)'\(suggestion); known fields: \(allowed.joined(separator: ", "))"))
                continue
            }
            nodes[key] = child(key, member)
        }
        return nodes
    }

    func array() throws(ConfigurationError) -> [ConfigNode] {
        guard case .array(let items) = value else { throw error(.invalidValue, "expected a list, found \(Self.kind(of: value))") }
        return items.enumerated().map { child(String($0.offset), $0.element) }
    }

    /// A string with `${VAR}` substituted; numbers and booleans are taken as their text.
    func string() throws(ConfigurationError) -> String {
        let text: String
        switch value {
        case .string(let string): text = string
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return String(flag)
        default: throw error(.invalidValue, "expected a string, found \(Self.kind(of: value))")
        }
        switch source.environment.substitute(text) {
        case .success(let substituted): return substituted
        case .failure(let missing): throw error(.missingEnvironment, "environment variable \(missing.name) is not set")
        }
    }

    func strings() throws(ConfigurationError) -> [String] {
        if case .string = value { return [try string()] }
        var result: [String] = []
        for item in try array() { result.append(try item.string()) }
        return result
    }

    func int(in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        let number: Int
        switch value {
        case .int(let raw): number = Int(raw)
        case .string:
            guard let parsed = Int(try string()) else { throw error(.invalidValue, "expected an integer, found '\(try string())'") }
            number = parsed
        default: throw error(.invalidValue, "expected an integer, found \(Self.kind(of: value))")
        }
        guard range.contains(number) else { throw error(.invalidValue, "\(number) is out of range \(range.lowerBound)...\(range.upperBound)") }
        return number
    }

    func bool() throws(ConfigurationError) -> Bool {
        if case .bool(let flag) = value { return flag }
        switch try string().lowercased() {
        case "true": return true
        case "false": return false
        default: throw error(.invalidValue, "expected true or false")
        }
    }

    /// A duration: a number of seconds, or a string such as `500ms`, `30s`, `5m`, `1h`, `1d`.
    func seconds() throws(ConfigurationError) -> Double {
        switch value {
        case .int(let raw): return Double(raw)
        case .double(let raw): return raw
        default: break
        }
        let text = try string().trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            if let number = Double(text.dropLast(suffix.count)), number >= 0 { return number * scale }
        }
        if let number = Double(text), number >= 0 { return number }
        throw error(.invalidValue, "expected a duration such as 30s, 500ms, 5m, 1h, 1d or a number of seconds, found '\(text)'")
    }

    static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "a mapping"
        }
    }

    /// Edit distance, for "did you mean" hints.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}
