import GatewayCore
import Logging
import MCPCore
import Testing

/// Several sources behind one server: names, routing, a failing source, list changes.
@Suite("Aggregate tool provider")
struct AggregateToolProviderTests {
    /// A source with a fixed tool list that answers each call with the tool's own name.
    struct Source: ToolProvider {
        let names: [String]
        var failure: GatewayError?
        let changes = ListChangeBroadcaster()

        func tools() async throws(GatewayError) -> [MCPTool] {
            if let failure { throw failure }
            return names.map { MCPTool(name: $0, description: "", inputSchema: ["type": "object"]) }
        }

        func call(_ call: ToolCall, context: CallContext) async throws(GatewayError) -> MCPToolResult {
            guard names.contains(call.name) else { throw GatewayError(.unknownTool, call.name) }
            return MCPToolResult(content: [.text("\(call.name) \(call.arguments["n"]?.intValue ?? 0)")])
        }

        func observeListChanges(_ observer: @escaping ListChangeBroadcaster.Observer) -> ListChangeObservation? {
            changes.observe(observer)
        }
    }

    let context = CallContext(server: "all", transport: "test")

    @Test("tools are named source__tool within 64 characters and each call reaches its source under its own name")
    func routes() async throws {
        let long = String(repeating: "x", count: 70)
        let aggregate = AggregateToolProvider(
            members: [
                .init(name: "a", provider: Source(names: ["get", "put"]), owned: true),
                .init(name: "b", provider: Source(names: ["get", long]), owned: true),
            ], logger: Logger(label: "test")
        )
        let names = try await aggregate.tools().map(\.name)
        #expect(names.prefix(3) == ["a__get", "a__put", "b__get"])
        #expect(names[3].count == 64 && names[3].hasPrefix("b__xxx") && names[3] != ToolNamespace.name(source: "b", tool: long + "y"))
        let put = try await aggregate.call(ToolCall(name: "a__put", arguments: ["n": 2]), context: context)
        let longCall = try await aggregate.call(ToolCall(name: names[3], arguments: [:]), context: context)
        #expect(put.content.first == .text("put 2") && longCall.content.first == .text("\(long) 0"))
        await #expect(throws: GatewayError.self) { try await aggregate.call(ToolCall(name: "c__get", arguments: [:]), context: context) }
    }

    @Test("a failing source is left out of the list, not cached, and fails alone")
    func failingSource() async throws {
        let aggregate = AggregateToolProvider(
            members: [
                .init(name: "up", provider: Source(names: ["ping"]), owned: true),
                .init(name: "down", provider: Source(names: ["x"], failure: GatewayError(.upstream, "refused")), owned: true),
            ], logger: Logger(label: "test")
        )
        #expect(try await aggregate.tools().map(\.name) == ["up__ping"])
        let only = AggregateToolProvider(
            members: [.init(name: "down", provider: Source(names: [], failure: GatewayError(.upstream, "refused")), owned: true)], logger: Logger(label: "test")
        )
        do {
            _ = try await only.tools()
            Issue.record("no error")
        } catch {
            #expect(error.message.contains("source 'down': refused"))
        }
    }

    @Test("a source's list change reaches the aggregate's observers; shutdown stops observing")
    func changes() async throws {
        let source = Source(names: ["one"])
        let aggregate = AggregateToolProvider(members: [.init(name: "s", provider: source, owned: false)], logger: Logger(label: "test"))
        let (events, continuation) = AsyncStream.makeStream(of: Void.self)
        let observation = aggregate.observeListChanges { change in
            if change == .prompts { continuation.yield() }
        }
        #expect(source.changes.observerCount == 1)
        await source.changes.changed(.prompts)
        var iterator = events.makeAsyncIterator()
        #expect(await iterator.next() != nil)
        observation?.cancel()
        await aggregate.shutdown()
        #expect(source.changes.observerCount == 0)
    }
}
