import MCPCore
import Testing

@Suite("Lifecycle state machine")
struct MCPLifecycleTests {
    @Test(
        "negotiates the requested revision when supported, else our latest",
        arguments: [
            ("2024-11-05", "2024-11-05"), ("2025-03-26", "2025-03-26"), ("2025-06-18", "2025-06-18"),
            ("2025-11-25", "2025-11-25"), ("2026-07-28", "2025-11-25"), ("1999-01-01", "2025-11-25"),
        ]
    )
    func negotiate(requested: String, expected: String) throws {
        var lifecycle = MCPLifecycle()
        let version = try lifecycle.initialize(params: ["protocolVersion": .string(requested)]).get()
        #expect(version.rawValue == expected)
        #expect(lifecycle.state == .initializing(version))
        lifecycle.initialized()
        #expect(lifecycle.state == .ready(version))
    }

    @Test("admits only ping and initialize before the handshake")
    func admission() throws {
        var lifecycle = MCPLifecycle()
        #expect(lifecycle.admit(method: "ping") == nil)
        #expect(lifecycle.admit(method: "initialize") == nil)
        #expect(lifecycle.admit(method: "server/discover")?.code == .methodNotFound)
        #expect(lifecycle.admit(method: "tools/list")?.code == .methodNotFound)
        _ = lifecycle.initialize(params: ["protocolVersion": "2025-06-18"])
        #expect(lifecycle.admit(method: "tools/list") == nil)
    }

    @Test("refuses a second initialize and a malformed one")
    func refusals() {
        var lifecycle = MCPLifecycle()
        #expect(throws: JSONRPCError.self) { try lifecycle.initialize(params: nil).get() }
        #expect(throws: JSONRPCError.self) { try lifecycle.initialize(params: ["protocolVersion": 5]).get() }
        _ = lifecycle.initialize(params: ["protocolVersion": "2025-06-18"])
        let second = lifecycle.initialize(params: ["protocolVersion": "2025-06-18"])
        #expect(throws: JSONRPCError.self) { try second.get() }
        if case .failure(let error) = second { #expect(error.code == .invalidRequest) }
    }
}
