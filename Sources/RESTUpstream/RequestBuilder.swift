import GatewayCore
import MCPCore
import OpenAPIImport

/// Turns a binding plus arguments into the exact HTTP request the operation describes.
/// Pure: no I/O, so every serialisation rule is testable on its own.
public struct RequestBuilder: Sendable {
    public init() {}

    /// Builds the request; `baseURL` wins over the binding's server URL.
    public func build(_ binding: OperationBinding, arguments: JSONObject, baseURL: String? = nil) throws(RequestBuildError) -> PreparedRequest {
        guard var base = baseURL ?? binding.serverURL, base.containsBytes("://") else {
            throw RequestBuildError("no base URL for this operation: the document declares no absolute server URL; configure one (--base-url)")
        }
        while base.hasSuffix("/") { base.removeLast() }

        var path = ""
        var query: [String] = []
        var headers: [(String, String)] = []
        var cookies: [String] = []
        var pathValues: [String: String] = [:]

        for parameter in binding.parameters {
            guard let value = arguments[parameter.argument], !value.isNull else {
                if parameter.required { throw RequestBuildError("missing required argument '\(parameter.argument)'") }
                continue
            }
            // An empty list or object has no serialisation outside the path (`ids=` would be an empty value).
            if parameter.location != .path, value.arrayValue?.isEmpty == true || value.objectValue?.isEmpty == true {
                if parameter.required { throw RequestBuildError("argument '\(parameter.argument)' is required and cannot be empty") }
                continue
            }
            switch parameter.location {
            case .path:
                pathValues[parameter.name] = try ParameterStyle.path(value, parameter: parameter)
            case .query:
                // An empty value is sent only where the document allows it (`allowEmptyValue`).
                if value == .string(""), !parameter.allowEmptyValue { continue }
                query.append(contentsOf: try ParameterStyle.query(value, parameter: parameter))
            case .header:
                headers.append((parameter.name, try ParameterStyle.header(value, parameter: parameter)))
            case .cookie:
                cookies.append(try ParameterStyle.cookie(value, parameter: parameter))
            }
        }
        path = try fill(binding.pathTemplate, with: pathValues)
        if !cookies.isEmpty { headers.append(("Cookie", cookies.joined(separator: "; "))) }

        var body: [UInt8]?
        if let bodyBinding = binding.body {
            if let encoded = try BodyEncoder.encode(bodyBinding, arguments: arguments) {
                body = encoded.bytes
                headers.append(("Content-Type", encoded.contentType))
            } else if bodyBinding.required {
                throw RequestBuildError("missing request body: give the body's arguments")
            }
        }
        headers.append(("Accept", binding.accept ?? "application/json, */*;q=0.8"))
        let url = base + path + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        return PreparedRequest(method: binding.method, url: url, headers: headers, body: body)
    }

    /// Substitutes `{name}` in the template; values arrive already percent-encoded.
    private func fill(_ template: String, with values: [String: String]) throws(RequestBuildError) -> String {
        var output = ""
        var name: String?
        for character in template {
            if character == "{" {
                name = ""
            } else if character == "}", let current = name {
                guard let value = values[current] else {
                    throw RequestBuildError("missing required argument for path parameter '\(current)'")
                }
                output += value
                name = nil
            } else if name != nil {
                name?.append(character)
            } else {
                output.append(character)
            }
        }
        return output
    }
}
