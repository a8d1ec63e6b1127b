import Foundation
import MCPCore
import OpenAPIImport

/// Encodes the request body in the binding's media type.
enum BodyEncoder {
    struct Encoded {
        var contentType: String
        var bytes: [UInt8]
    }

    /// The encoded body, or nil when the call supplied none of the body's arguments.
    static func encode(_ binding: BodyBinding, arguments: JSONObject) throws(RequestBuildError) -> Encoded? {
        let value: JSONValue
        switch binding.shape {
        case .whole(let argument):
            guard let given = arguments[argument] else { return nil }
            value = given
        case .fields(let fields):
            var object = JSONObject()
            for field in fields {
                if let given = arguments[field.argument] { object[field.property] = given }
            }
            if object.isEmpty && !binding.required { return nil }
            value = .object(object)
        }
        let mediaType = binding.mediaType.lowercased()
        if mediaType.hasPrefix("application/x-www-form-urlencoded") {
            return Encoded(contentType: "application/x-www-form-urlencoded", bytes: Array(formEncode(value).utf8))
        }
        if mediaType.hasPrefix("multipart/form-data") {
            return multipart(value)
        }
        if mediaType.hasPrefix("text/") {
            return Encoded(contentType: binding.mediaType, bytes: Array(ParameterStyle.primitive(value).utf8))
        }
        if mediaType.hasPrefix("application/octet-stream") || !(mediaType.contains("json") || mediaType == "*/*") {
            if case .string(let text) = value, !mediaType.contains("xml") {
                guard let data = Data(base64Encoded: text) else {
                    throw RequestBuildError("the body of media type \(binding.mediaType) must be given as base64")
                }
                return Encoded(contentType: binding.mediaType, bytes: [UInt8](data))
            }
        }
        let contentType = mediaType.contains("json") ? binding.mediaType : "application/json"
        return Encoded(contentType: contentType, bytes: value.serializedBytes())
    }

    /// Form encoding: objects as `a[b]=c`, arrays as repeated keys.
    static func formEncode(_ value: JSONValue) -> String {
        guard case .object(let object) = value else { return PercentEncoding.formEncode(ParameterStyle.primitive(value)) }
        var pairs: [String] = []
        func add(_ key: String, _ value: JSONValue) {
            switch value {
            case .object(let members):
                for (member, nested) in members { add("\(key)[\(member)]", nested) }
            case .array(let items):
                for item in items { add(key, item) }
            default:
                pairs.append("\(PercentEncoding.formEncode(key))=\(PercentEncoding.formEncode(ParameterStyle.primitive(value)))")
            }
        }
        for (key, member) in object { add(key, member) }
        return pairs.joined(separator: "&")
    }

    private static func multipart(_ value: JSONValue) -> Encoded {
        let boundary = "toolgate-" + UUID().uuidString
        var body = [UInt8]()
        let fields = value.objectValue ?? ["body": value]
        for (name, field) in fields {
            let items = field.arrayValue ?? [field]
            for item in items {
                body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name.replacingOccurrences(of: "\"", with: "%22"))\"".utf8)
                if case .string(let text) = item, text.hasPrefix("data:"), let comma = text.firstIndex(of: ","),
                    let data = Data(base64Encoded: String(text[text.index(after: comma)...]))
                {
                    let header = text[text.index(text.startIndex, offsetBy: 5)..<comma]
                    let type = header.split(separator: ";").first.map(String.init) ?? "application/octet-stream"
                    body += Array("; filename=\"\(name)\"\r\nContent-Type: \(type)\r\n\r\n".utf8)
                    body += [UInt8](data)
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
}
