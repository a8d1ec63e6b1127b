import GatewayCore
import GatewayPolicy
import Logging
import MCPCore

/// Serves one virtual server's tools to an MCP session: every `tools/call` runs through the
/// policy chain and then the provider. Transports know only `MCPServerHandler`; providers know
/// only `ToolProvider`; this is where the two meet.
public struct GatewayToolHandler: MCPServerHandler {
    public let server: String
    public let transport: String
    let provider: any ToolProvider
    let policies: ToolPolicyChain
    let identity: Identity

    public init(
        server: String, transport: String, provider: any ToolProvider, policies: ToolPolicyChain = ToolPolicyChain(),
        identity: Identity = .anonymous
    ) {
        self.server = server
        self.transport = transport
        self.provider = provider
        self.policies = policies
        self.identity = identity
    }

    public func listTools() async throws(JSONRPCError) -> [MCPTool] {
        do {
            return try await provider.tools()
        } catch {
            throw error.jsonRPCError
        }
    }

    public func callTool(_ call: MCPToolCall) async throws(JSONRPCError) -> MCPToolResult {
        let context = CallContext(
            identity: identity, server: server, transport: transport, requestID: call.requestID,
            protocolVersion: call.protocolVersion
        )
        let toolCall = ToolCall(name: call.name, arguments: call.arguments, progress: call.progress)
        let provider = self.provider
        do {
            return try await policies.run(toolCall, context: context) { (call, context) async throws(GatewayError) -> MCPToolResult in
                try await provider.call(call, context: context)
            }
        } catch {
            throw error.jsonRPCError
        }
    }
}
