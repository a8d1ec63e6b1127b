import GatewayCore
import MCPCore
import Synchronization
import Testing

@testable import GatewayRuntime

/// A provider with fixed tools whose `call` waits until `release()` (a call in flight).
final class HeldProvider: ToolProvider, Sendable {
    let name: String
    private let gate = Mutex<(released: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))
    let shutDown = Mutex(false)

    init(_ name: String) { self.name = name }

    func tools() async throws(GatewayError) -> [MCPTool] {
        [MCPTool(name: name, description: "", inputSchema: ["type": "object"])]
    }

    func call(_ call: ToolCall, context: CallContext) async throws(GatewayError) -> MCPToolResult {
        await withCheckedContinuation { continuation in
            let now = gate.withLock { gate -> Bool in
                if gate.released { return true }
                gate.waiting.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
        return MCPToolResult(content: [.text(name)])
    }

    func release() {
        let waiting = gate.withLock { gate in
            gate.released = true
            defer { gate.waiting = [] }
            return gate.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    var waiting: Int { gate.withLock { $0.waiting.count } }

    func shutdown() async { shutDown.withLock { $0 = true } }
}

@Suite("Reloadable tool provider")
struct ReloadableToolProviderTests {
    @Test("new calls go to the replacement, sessions are told, the replaced provider drains its calls in flight")
    func replace() async throws {
        let old = HeldProvider("old")
        let provider = ReloadableToolProvider(old)
        let (changes, continuation) = AsyncStream.makeStream(of: ListChange.self)
        let observation = provider.observeListChanges { continuation.yield($0) }
        let context = CallContext(server: "s", transport: "test")
        try await withThrowingTaskGroup(of: String.self) { group in
            group.addTask { try await provider.call(ToolCall(name: "old", arguments: [:]), context: context).content.first.map { "\($0)" } ?? "" }
            while old.waiting == 0 { await Task.yield() }
            let new = HeldProvider("new")
            new.release()
            let replaced = await provider.replace(with: new)
            #expect(try await provider.tools().map(\.name) == ["new"])
            #expect(try await provider.call(ToolCall(name: "new", arguments: [:]), context: context).content == [.text("new")])
            var seen: [ListChange] = []
            for await change in changes {
                seen.append(change)
                if seen.count == ListChange.allCases.count { break }
            }
            #expect(Set(seen) == Set(ListChange.allCases))
            group.addTask {
                await replaced.drained()
                return "drained"
            }
            old.release()
            var results: [String] = []
            for try await result in group { results.append(result) }
            #expect(results.contains("drained") && results.contains { $0.contains("old") }, "the call in flight finished on the old provider")
        }
        observation?.cancel()
        _ = await provider.replace(with: HeldProvider("quiet"), notify: false)
        #expect(try await provider.tools().map(\.name) == ["quiet"])
    }
}
