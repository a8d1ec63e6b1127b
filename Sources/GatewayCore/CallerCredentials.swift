import Foundation
import MCPCore

/// What the transport saw of the caller's credentials, for authentication to resolve into an
/// `Identity`. Never logged, never sent upstream.
public struct CallerCredentials: Sendable, Hashable {
    /// `Authorization: Bearer …`.
    public var bearer: String?
    /// `x-api-key` (what the Anthropic SDK sends), or a configured header.
    public var apiKey: String?

    public init(bearer: String? = nil, apiKey: String? = nil) {
        self.bearer = bearer
        self.apiKey = apiKey
    }

    /// Reads `Authorization: Bearer` and `x-api-key` from request headers (names compared as
    /// the engine compares them, `MCPReceiveContext.value(of:)`).
    public init(headers: [(name: String, value: String)]) {
        let fields = MCPReceiveContext(headers: headers)
        if let authorization = fields.value(of: "authorization"), authorization.count > 7, authorization.prefix(7).lowercased() == "bearer " {
            bearer = authorization.dropFirst(7).trimmingCharacters(in: .whitespaces)
        }
        apiKey = fields.value(of: "x-api-key")?.trimmingCharacters(in: .whitespaces)
    }
}
