import Foundation
import MCPCore
import OpenAPIImport
import UpstreamHTTP

/// OpenAPI 3 `style`/`explode` serialisation of path, query, header and cookie parameters.
enum ParameterStyle {
    /// The text form of a primitive; objects and arrays are handled by the styles.
    static func primitive(_ value: JSONValue) -> String {
        switch value {
        case .string(let string): return string
        case .bool(let bool): return bool ? "true" : "false"
        case .null: return ""
        case .double(let double) where double.rounded() == double && double.isFinite:
            // An integral number in integer notation (an `integer` parameter must not read "1e+38").
            return String(format: "%.0f", double)
        default: return value.serialized()
        }
    }

    /// A path value, percent-encoded so it can never change the path (`/`, `?`, `#`, `..`).
    static func path(_ value: JSONValue, parameter: ParameterBinding) throws(RequestBuildError) -> String {
        if case .string(let string) = value, string == "." || string == ".." || string.isEmpty {
            throw RequestBuildError("argument '\(parameter.argument)' cannot be '\(string)': it would change the request path")
        }
        if value.arrayValue?.isEmpty == true || value.objectValue?.isEmpty == true {
            throw RequestBuildError("argument '\(parameter.argument)' cannot be empty: a path parameter needs a value")
        }
        let encode = { (text: String) in PercentEncoding.encode(text) }
        switch (parameter.style, value) {
        case ("label", .array(let items)):
            return "." + items.map { encode(primitive($0)) }.joined(separator: parameter.explode ? "." : ",")
        case ("label", .object(let object)):
            return "." + pairs(object, explode: parameter.explode, encode: encode).joined(separator: parameter.explode ? "." : ",")
        case ("label", _):
            return "." + encode(primitive(value))
        case ("matrix", .array(let items)):
            if parameter.explode { return items.map { ";\(encode(parameter.name))=\(encode(primitive($0)))" }.joined() }
            return ";\(encode(parameter.name))=" + items.map { encode(primitive($0)) }.joined(separator: ",")
        case ("matrix", .object(let object)):
            if parameter.explode { return object.map { ";\(encode($0.key))=\(encode(primitive($0.value)))" }.joined() }
            return ";\(encode(parameter.name))=" + pairs(object, explode: false, encode: encode).joined(separator: ",")
        case ("matrix", _):
            return ";\(encode(parameter.name))=\(encode(primitive(value)))"
        case (_, .array(let items)):
            return items.map { encode(primitive($0)) }.joined(separator: ",")
        case (_, .object(let object)):
            return pairs(object, explode: parameter.explode, encode: encode).joined(separator: ",")
        default:
            return encode(primitive(value))
        }
    }

    /// `key=value` pieces for the query string (already encoded).
    static func query(_ value: JSONValue, parameter: ParameterBinding) throws(RequestBuildError) -> [String] {
        let encode = { (text: String) in PercentEncoding.encode(text, allowReserved: parameter.allowReserved) }
        let name = PercentEncoding.encode(parameter.name)
        if parameter.contentMediaType != nil {
            return ["\(name)=\(encode(value.serialized()))"]
        }
        switch (parameter.style, value) {
        case ("deepObject", .object), ("deepObject", .array):
            return deepObjectPairs(parameter.name, value).map { "\(PercentEncoding.encode($0.key))=\(encode($0.value))" }
        case (let style, .array(let items)) where delimiters[style] != nil:
            return ["\(name)=" + items.map { encode(primitive($0)) }.joined(separator: PercentEncoding.encode(delimiters[style] ?? ","))]
        case (_, .array(let items)):
            if parameter.explode { return items.map { "\(name)=\(encode(primitive($0)))" } }
            return ["\(name)=" + items.map { encode(primitive($0)) }.joined(separator: ",")]
        case (_, .object(let object)):
            if parameter.explode { return object.map { "\(PercentEncoding.encode($0.key))=\(encode(primitive($0.value)))" } }
            return ["\(name)=" + pairs(object, explode: false, encode: encode).joined(separator: ",")]
        default:
            return ["\(name)=\(encode(primitive(value)))"]
        }
    }

    /// A header value (simple style); control characters are refused so no header can be injected.
    static func header(_ value: JSONValue, parameter: ParameterBinding) throws(RequestBuildError) -> String {
        let text: String
        switch value {
        case .array(let items): text = items.map(primitive).joined(separator: ",")
        case .object(let object): text = pairs(object, explode: parameter.explode, encode: { $0 }).joined(separator: ",")
        default: text = parameter.contentMediaType != nil ? value.serialized() : primitive(value)
        }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) {
            throw RequestBuildError("argument '\(parameter.argument)' contains a control character (CR, LF...), which a header value cannot hold")
        }
        return text
    }

    /// A `name=value` cookie pair (form style).
    static func cookie(_ value: JSONValue, parameter: ParameterBinding) throws(RequestBuildError) -> String {
        let text: String
        switch value {
        case .array(let items): text = items.map { PercentEncoding.encode(primitive($0)) }.joined(separator: ",")
        case .object(let object): text = pairs(object, explode: false, encode: { PercentEncoding.encode($0) }).joined(separator: ",")
        default: text = PercentEncoding.encode(primitive(value))
        }
        return "\(PercentEncoding.encode(parameter.name))=\(text)"
    }

    /// The separator of each delimited array style (percent-encoded where it goes).
    static let delimiters = ["spaceDelimited": " ", "pipeDelimited": "|", "tabDelimited": "\t"]

    /// The `name[key]=value` pairs of a deepObject value, unencoded: nested objects spelled out
    /// (`a[b][c]`) and arrays by index (`a[0]`), as Stripe's and Rails-style servers read them
    /// (OpenAPI leaves deepObject beyond one level of object undefined).
    static func deepObjectPairs(_ name: String, _ value: JSONValue) -> [(key: String, value: String)] {
        switch value {
        case .object(let members): members.flatMap { deepObjectPairs("\(name)[\($0.key)]", $0.value) }
        case .array(let items): items.enumerated().flatMap { deepObjectPairs("\(name)[\($0.offset)]", $0.element) }
        default: [(name, primitive(value))]
        }
    }

    private static func pairs(_ object: JSONObject, explode: Bool, encode: (String) -> String) -> [String] {
        explode ? object.map { "\(encode($0.key))=\(encode(primitive($0.value)))" } : object.flatMap { [encode($0.key), encode(primitive($0.value))] }
    }
}
