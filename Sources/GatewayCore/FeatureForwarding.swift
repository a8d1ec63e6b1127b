import MCPCore

/// A provider that also serves an upstream's resources and prompts (an MCP server, or an
/// aggregate of several).
public protocol FeatureForwarding: Sendable {
    /// The upstream's answer to a `resources/*` or `prompts/*` request (lists complete, every
    /// cursor followed), its JSON-RPC error as is, or nil when no upstream offers the feature.
    func forward(_ method: String, params: JSONObject) async throws(GatewayError) -> Result<JSONValue, JSONRPCError>?
    /// Whether any upstream behind it can have resources or prompts (false: the requests are left
    /// to the engine's empty answers without running the policy chain).
    var forwardsFeatures: Bool { get }
}

extension FeatureForwarding {
    public var forwardsFeatures: Bool { true }
}

/// The resources and prompts methods that are passed on.
public enum ForwardedMethod {
    /// The array each list method answers with (nil: not a list method).
    public static func listKey(of method: String) -> String? {
        switch method {
        case "resources/list": return "resources"
        case "resources/templates/list": return "resourceTemplates"
        case "prompts/list": return "prompts"
        default: return nil
        }
    }
}
