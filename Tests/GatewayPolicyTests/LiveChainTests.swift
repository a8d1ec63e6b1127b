import GatewayCore
import GatewayPolicy
import MCPCore
import Testing

@Suite("Live chain")
struct LiveChainTests {
    @Test("a chain built before a reload runs the chain current at each call")
    func replaced() async throws {
        let context = CallContext(identity: Identity(consumer: "team-a", isAuthenticated: true), server: "wiki", transport: "http")
        let first = CountingPolicy(budget: 1)
        let live = LiveChain(PolicyChain([first]))
        let chain = live.policy
        let call: () async throws(GatewayError) -> MCPToolResult = {
            try await chain.run(ToolCall(name: "search", arguments: [:]), context: context) { (_, _) async throws(GatewayError) -> MCPToolResult in
                MCPToolResult(content: [.text("found")])
            }
        }
        _ = try await call()
        await #expect(throws: GatewayError.self) { try await call() }
        let second = CountingPolicy(budget: 5)
        live.replace(with: PolicyChain([second]))
        #expect(try await call().content == [.text("found")])
        #expect(first.counts.withLock { $0.values.reduce(0, +) } == 2 && second.counts.withLock { $0.values.reduce(0, +) } == 1)
    }
}
