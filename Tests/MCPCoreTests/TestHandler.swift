import MCPCore
import Synchronization

/// An in-memory `MCPServerHandler` with a fixed tool list: `echo` answers its arguments,
/// `slow` waits until cancelled (or `ms` milliseconds), `progress` reports three steps.
final class TestHandler: MCPServerHandler {
    let tools: [MCPTool]
    let cancelledCalls = Mutex(0)
    /// Yields once each time a `slow` call has started.
    let slowStarted: AsyncStream<Void>
    private let slowStartedContinuation: AsyncStream<Void>.Continuation

    init(toolCount: Int = 3) {
        var tools = [
            MCPTool(name: "echo", description: "Echo", inputSchema: ["type": "object"], outputSchema: ["type": "object"]),
            MCPTool(name: "slow", description: "Slow", inputSchema: ["type": "object"]),
            MCPTool(name: "progress", description: "Progress", inputSchema: ["type": "object"]),
        ]
        for index in tools.count..<max(toolCount, tools.count) {
            tools.append(MCPTool(name: "extra\(index)", description: "Extra", inputSchema: ["type": "object"]))
        }
        self.tools = tools
        (slowStarted, slowStartedContinuation) = AsyncStream.makeStream(of: Void.self)
    }

    func listTools() async throws(JSONRPCError) -> [MCPTool] { tools }

    func callTool(_ call: MCPToolCall) async throws(JSONRPCError) -> MCPToolResult {
        switch call.name {
        case "echo":
            return MCPToolResult(content: [.text(JSONValue.object(call.arguments).serialized())], structuredContent: .object(call.arguments))
        case "slow":
            let milliseconds = call.arguments["ms"]?.intValue ?? 60_000
            slowStartedContinuation.yield()
            do {
                try await Task.sleep(for: .milliseconds(milliseconds))
            } catch {
                cancelledCalls.withLock { $0 += 1 }
                return .error("cancelled")
            }
            return MCPToolResult(content: [.text("done")])
        case "progress":
            for step in 1...3 { await call.progress?.report(progress: Double(step), total: 3, message: "step \(step)") }
            await call.progress?.report(progress: 2, total: 3)
            return MCPToolResult(content: [.text("finished")])
        default:
            throw .invalidParams("Unknown tool: '\(call.name)'")
        }
    }
}
