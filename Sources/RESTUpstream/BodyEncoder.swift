import Foundation
import GatewayCore
import MCPCore
import OpenAPIImport
import UpstreamHTTP

/// Encodes the request body in the binding's media type.
enum BodyEncoder {
    struct Encoded {
        var contentType: String
        var bytes: [UInt8]
    }

    /// The encoded body, or nil when the call supplied none of the body's arguments.
    static func encode(_ binding: BodyBinding, arguments: JSONObject) throws(RequestBuildError) -> Encoded? {
        let value: JSONValue
        var encodings: [String: FieldEncoding] = [:]
        switch binding.shape {
        case .whole(let argument):
            guard let given = arguments[argument] else { return nil }
            value = given
        case .fields(let fields):
            var object = JSONObject()
            for field in fields {
                if let given = arguments[field.argument] { object[field.property] = given }
                if let encoding = field.encoding { encodings[field.property] = encoding }
            }
            if object.isEmpty && !binding.required { return nil }
            value = .object(object)
            if binding.mediaType.lowercased().hasPrefix("multipart/form-data") {
                return try multipart(object, files: Set(fields.filter(\.isFile).map(\.property)), arguments: fields)
            }
        }
        let mediaType = binding.mediaType.lowercased()
        if mediaType.hasPrefix("application/x-www-form-urlencoded") {
            return Encoded(contentType: "application/x-www-form-urlencoded", bytes: Array(formEncode(value, encodings: encodings).utf8))
        }
        if mediaType.hasPrefix("multipart/form-data") {
            return try multipart(value.objectValue ?? ["body": value], files: [], arguments: [])
        }
        if mediaType.hasPrefix("text/") {
            return Encoded(contentType: binding.mediaType, bytes: Array(ParameterStyle.primitive(value).utf8))
        }
        if mediaType.hasPrefix("application/octet-stream") || !(mediaType.containsBytes("json") || mediaType == "*/*") {
            if case .string(var text) = value, !mediaType.containsBytes("xml") {
                // The schema's pattern ends in `$`, which admits one trailing line feed.
                if text.hasSuffix("\n") { text.removeLast() }
                guard let data = Data(base64Encoded: text) else {
                    throw RequestBuildError("the body of media type \(binding.mediaType) must be given as base64")
                }
                return Encoded(contentType: binding.mediaType, bytes: [UInt8](data))
            }
        }
        let contentType = mediaType.containsBytes("json") ? binding.mediaType : "application/json"
        return Encoded(contentType: contentType, bytes: value.serializedBytes())
    }

    /// Form encoding: each property as its `encoding` says (`style`/`explode`); without one,
    /// objects as `a[b]=c` and arrays as repeated keys.
    static func formEncode(_ value: JSONValue, encodings: [String: FieldEncoding] = [:]) -> String {
        guard case .object(let object) = value else { return PercentEncoding.formEncode(ParameterStyle.primitive(value)) }
        let pairs = object.flatMap { formPairs($0.key, $0.value, encoding: encodings[$0.key]) }
        return pairs.map { "\(PercentEncoding.formEncode($0.key))=\(PercentEncoding.formEncode($0.value))" }.joined(separator: "&")
    }

    private static func formPairs(_ key: String, _ value: JSONValue, encoding: FieldEncoding?) -> [(key: String, value: String)] {
        let primitive = ParameterStyle.primitive
        guard let encoding else {
            switch value {
            case .object(let members): return members.flatMap { formPairs("\(key)[\($0.key)]", $0.value, encoding: nil) }
            case .array(let items): return items.flatMap { formPairs(key, $0, encoding: nil) }
            default: return [(key, primitive(value))]
            }
        }
        switch (encoding.style, value) {
        case ("deepObject", _):
            return ParameterStyle.deepObjectPairs(key, value)
        case (let style, .array(let items)) where ParameterStyle.delimiters[style] != nil:
            return [(key, items.map(primitive).joined(separator: ParameterStyle.delimiters[style] ?? ","))]
        case (_, .array(let items)):
            return encoding.explode ? items.map { (key, primitive($0)) } : [(key, items.map(primitive).joined(separator: ","))]
        case (_, .object(let members)):
            if encoding.explode { return members.map { ($0.key, primitive($0.value)) } }
            return [(key, members.flatMap { [$0.key, primitive($0.value)] }.joined(separator: ","))]
        default:
            return [(key, primitive(value))]
        }
    }

    /// `multipart/form-data`: one part per field (arrays repeat the field); file fields become
    /// file parts with a file name and content type.
    private static func multipart(_ fields: JSONObject, files: Set<String>, arguments: [FieldBinding]) throws(RequestBuildError) -> Encoded {
        let boundary = "toolgate-" + UUID().uuidString
        var body = [UInt8]()
        for (name, field) in fields {
            let argument = arguments.first { $0.property == name }?.argument ?? name
            for item in field.arrayValue ?? [field] {
                let quoted = name.replacingOccurrences(of: "\"", with: "%22").replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: "")
                body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(quoted)\"".utf8)
                if files.contains(name) || isDataURL(item) {
                    let file = try FilePart(item, argument: argument, fallbackName: name)
                    body += Array("; filename=\"\(file.filename)\"\r\nContent-Type: \(file.contentType)\r\n\r\n".utf8)
                    body += file.bytes
                } else if case .object = item {
                    body += Array("\r\nContent-Type: application/json\r\n\r\n".utf8)
                    body += item.serializedBytes()
                } else {
                    body += Array("\r\n\r\n".utf8)
                    body += Array(ParameterStyle.primitive(item).utf8)
                }
                body += Array("\r\n".utf8)
            }
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return Encoded(contentType: "multipart/form-data; boundary=\(boundary)", bytes: body)
    }

    private static func isDataURL(_ value: JSONValue) -> Bool {
        value.stringValue?.hasPrefix("data:") == true && value.stringValue?.containsBytes(";base64,") == true
    }
}

/// A file argument: base64, a `data:` URL, or `{"data", "filename", "contentType"}`.
struct FilePart {
    var bytes: [UInt8]
    var filename: String
    var contentType: String

    init(_ value: JSONValue, argument: String, fallbackName: String) throws(RequestBuildError) {
        var text: String
        filename = fallbackName
        contentType = "application/octet-stream"
        switch value {
        case .string(let string):
            text = string
        case .object(let object):
            guard let data = (object["data"] ?? object["base64"])?.stringValue else {
                throw RequestBuildError("argument '\(argument)' must hold the file as base64 in 'data'")
            }
            text = data
            if let name = object["filename"]?.stringValue, !name.isEmpty { filename = name }
            if let type = object["contentType"]?.stringValue, !type.isEmpty { contentType = type }
        default:
            throw RequestBuildError("argument '\(argument)' must be a file: base64, a data: URL or {\"data\": base64, \"filename\": …}")
        }
        if text.hasPrefix("data:"), let comma = text.firstIndex(of: ",") {
            let header = text[text.index(text.startIndex, offsetBy: 5)..<comma]
            if let type = header.split(separator: ";").first, !type.isEmpty { contentType = String(type) }
            text = String(text[text.index(after: comma)...])
        }
        guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
            throw RequestBuildError("argument '\(argument)' is not valid base64")
        }
        bytes = [UInt8](data)
        filename = filename.replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: "\r", with: "").replacingOccurrences(of: "\n", with: "")
        contentType = contentType.filter { !$0.isNewline }
    }
}
