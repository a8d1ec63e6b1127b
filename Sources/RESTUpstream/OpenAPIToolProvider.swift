import Foundation
import GatewayCore
import MCPCore
import OpenAPIImport

/// The tools of one imported OpenAPI document, executed against its HTTP API.
public struct OpenAPIToolProvider: ToolProvider {
    let toolList: [MCPTool]
    let byName: [String: ImportedTool]
    let executor: RESTExecutor
    let baseURL: String?
    let validators = ArgumentValidators()
    let hostPolicy: HostPolicy
    let authenticator: UpstreamAuthenticator
    let scrubber: SecretScrubber

    /// `baseURL` overrides the document's server URLs; `credentials` are the gateway's own for
    /// this API; `allowedHosts` adds hosts (beside the document's and the base URL's), and
    /// `privateHosts` names hosts that may be private addresses (the base URL's host always may).
    public init(
        imported: ImportResult, executor: RESTExecutor, baseURL: String? = nil, credentials: UpstreamCredentials = UpstreamCredentials(),
        allowedHosts: Set<String> = [], privateHosts: Set<String> = []
    ) {
        self.toolList = imported.mcpTools
        self.byName = Dictionary(imported.tools.map { ($0.tool.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.executor = executor
        self.baseURL = baseURL
        let configured = privateHosts.union([baseURL].compactMap { $0.flatMap(HostPolicy.host(of:)) })
        var hosts = allowedHosts.union(configured)
        if baseURL == nil { hosts.formUnion(imported.tools.compactMap { $0.binding.serverURL.flatMap(HostPolicy.host(of:)) }) }
        self.hostPolicy = HostPolicy(allowedHosts: hosts, configuredHosts: configured)
        let tokens = credentials.clientCredentials.map { _ in OAuth2TokenCache(client: executor.client) }
        self.authenticator = UpstreamAuthenticator(
            credentials: credentials, schemes: imported.securitySchemes, tokens: tokens, timeout: executor.limits.timeout
        )
        scrubber = SecretScrubber(secrets: credentials.secrets)
    }

    public func tools() async throws(GatewayError) -> [MCPTool] {
        toolList
    }

    public func call(_ call: ToolCall, context: CallContext) async throws(GatewayError) -> MCPToolResult {
        guard let imported = byName[call.name] else {
            throw GatewayError(.unknownTool, "Unknown tool: '\(call.name)'")
        }
        let problems = validators.validator(for: call.name, schema: imported.tool.inputSchema).problems(call.arguments)
        if !problems.isEmpty {
            return .error("Invalid arguments for '\(call.name)': " + problems.joined(separator: "; "))
        }
        var arguments = call.arguments
        for (name, value) in imported.binding.fixedArguments { arguments[name] = value }
        // A client that asked for progress learns when the upstream was called and when it answered.
        await call.progress?.report(progress: 1, total: 2, message: "calling \(imported.binding.method.uppercased()) \(imported.binding.pathTemplate)")
        let result = await executor.execute(
            imported.binding, arguments: arguments, baseURL: baseURL, guard: hostPolicy, authenticator: authenticator,
            callerHeaders: context.callerHeaders, traceHeaders: context.traceHeaders
        )
        await call.progress?.report(progress: 2, total: 2, message: result.isError ? "upstream call failed" : "upstream answered")
        return scrub(result)
    }

    /// Replaces every configured secret in the result with `[redacted]` (an upstream may echo one back).
    private func scrub(_ result: MCPToolResult) -> MCPToolResult {
        scrubber.scrub(result)
    }
}
