import Foundation

/// The per-request envelope of the stateless revision (2026-07-28): every request names its
/// protocol version and the client's capabilities in `params._meta`, and over HTTP repeats the
/// version, the method and the tool name in headers. `classify` runs the checks in the order the
/// revision gives, first failure wins: envelope keys (-32602), header agreement (-32020), version
/// served here (-32022 with `data.supported`).
public struct MCPRequestEnvelope: Sendable, Hashable {
    public static let versionKey = "io.modelcontextprotocol/protocolVersion"
    public static let capabilitiesKey = "io.modelcontextprotocol/clientCapabilities"
    public static let clientInfoKey = "io.modelcontextprotocol/clientInfo"
    public static let serverInfoKey = "io.modelcontextprotocol/serverInfo"

    /// Which `params` field each name-bearing method mirrors into the `Mcp-Name` header.
    static let nameBearing: [String: String] = ["tools/call": "name", "prompts/get": "name", "resources/read": "uri"]

    public var version: MCPProtocolVersion
    public var clientCapabilities: JSONValue
    public var clientInfo: MCPImplementation?

    /// Whether a request's params carry the stateless envelope (its protocol-version key).
    public static func isPresent(in params: JSONValue?) -> Bool {
        params?["_meta"]?[versionKey] != nil
    }

    /// Checks one request's envelope; `headers` are the HTTP request's (nil on stdio, where no header rung exists).
    public static func classify(method: String, params: JSONValue?, headers: MCPReceiveContext?) -> Result<Self, JSONRPCError> {
        guard let meta = params?["_meta"], meta.objectValue != nil else {
            return .failure(.invalidParams("Invalid params: params._meta must be an object carrying '\(versionKey)' and '\(capabilitiesKey)'"))
        }
        let missing = [versionKey, capabilitiesKey].filter { meta[$0] == nil }
        guard missing.isEmpty else {
            return .failure(.invalidParams("Invalid params: params._meta is missing \(missing.map { "'\($0)'" }.joined(separator: ", "))"))
        }
        let requested = meta[versionKey]
        if let headers, headers.checksRoutingHeaders {
            // A missing header is named as missing, not as a mismatch with what it never said.
            func failure(_ header: String, _ wanted: String, present: Bool) -> Result<Self, JSONRPCError> {
                let message = present ? "Header mismatch: \(header) does not match \(wanted)" : "Header missing: \(header) is required and must equal \(wanted)"
                return .failure(JSONRPCError(code: .headerMismatch, message: message))
            }
            let version = headers.value(of: "mcp-protocol-version")
            guard let version, requested?.stringValue == version else {
                return failure("MCP-Protocol-Version", "params._meta['\(versionKey)']", present: version != nil)
            }
            let methodHeader = headers.value(of: "mcp-method")
            guard methodHeader == method else { return failure("Mcp-Method", "the body's method '\(method)'", present: methodHeader != nil) }
            if let key = nameBearing[method], let bodyValue = params?[key]?.stringValue {
                let name = headers.value(of: "mcp-name")
                if MCPHeaderValue.decode(name) != bodyValue { return failure("Mcp-Name", "params.\(key) '\(bodyValue)'", present: name != nil) }
            }
        }
        guard let raw = requested?.stringValue else {
            return .failure(.invalidParams("Invalid params: params._meta['\(versionKey)'] must be a string"))
        }
        let version = MCPProtocolVersion(rawValue: raw)
        guard version.isModern else {
            let supported = JSONValue.array(MCPProtocolVersion.all.map { .string($0.rawValue) })
            return .failure(
                JSONRPCError(
                    code: .unsupportedProtocolVersion, message: "Unsupported protocol version '\(raw)'",
                    data: ["supported": supported, "requested": .string(raw)]
                )
            )
        }
        return .success(Self(version: version, clientCapabilities: meta[capabilitiesKey] ?? .object([:]), clientInfo: MCPImplementation(meta[clientInfoKey])))
    }
}

/// Header values of the stateless revision: plain visible ASCII, or `=?base64?…?=` for anything else.
enum MCPHeaderValue {
    static func decode(_ value: String?) -> String? {
        guard let value else { return nil }
        guard value.hasPrefix("=?base64?"), value.hasSuffix("?="), value.count >= 11 else { return value }
        let payload = value.dropFirst(9).dropLast(2)
        guard let data = Data(base64Encoded: String(payload)), data.base64EncodedString() == payload else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
