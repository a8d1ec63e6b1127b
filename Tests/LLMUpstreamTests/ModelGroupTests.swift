import GatewayCore
import MCPCore
import Testing

@testable import LLMUpstream

/// The balancer: the order a group's instances are tried in, for each strategy.
@Suite("Model group selection")
struct ModelGroupTests {
    static let request = ModelRequest(operation: .chatCompletions, model: "chat", body: ["model": "chat", "messages": [["role": "user", "content": "hi"]]])

    static func instance(_ name: String, weight: Int = 1, priority: Int = 0, rpm: Int? = nil, price: ModelPrice? = nil) -> ModelInstanceSettings {
        ModelInstanceSettings(
            name: name, provider: .openai, baseURL: "http://127.0.0.1:9/v1", model: "m", weight: weight, priority: priority, requestsPerMinute: rpm, price: price
        )
    }

    static func group(_ instances: [ModelInstanceSettings], strategy: RoutingStrategy = .weightedRoundRobin) -> ModelGroup {
        ModelGroup(ModelGroupSettings(name: "chat", strategy: strategy, health: ModelHealthSettings(ejectAfterFailures: 2), instances: instances))
    }

    func firstPicks(_ group: ModelGroup, _ count: Int) throws -> [String] {
        try (0..<count).map { _ in try group.attemptOrder(for: Self.request)[0].name }
    }

    @Test("weighted round-robin is exact and smooth: weights 3:1 give 3 of every 4, never 4 in a row")
    func weightedRoundRobin() throws {
        let picks = try firstPicks(Self.group([Self.instance("a", weight: 3), Self.instance("b", weight: 1)]), 400)
        #expect(picks.filter { $0 == "a" }.count == 300)
        #expect(!picks.joined(separator: ",").contains("a,a,a,a"))
    }

    @Test("the first healthy priority level serves; lower levels, then unhealthy instances, follow as fallbacks")
    func priorities() throws {
        let group = Self.group([Self.instance("p0"), Self.instance("p1", priority: 1), Self.instance("p2", priority: 2)])
        #expect(try group.attemptOrder(for: Self.request).map(\.name) == ["p0", "p1", "p2"])
        for _ in 0..<2 {
            group.instances[0].begin()
            group.instances[0].end(success: false, countsAsFailure: true, timeToFirstToken: nil, tokens: 0)
        }
        #expect(try group.attemptOrder(for: Self.request).map(\.name) == ["p1", "p2", "p0"], "ejected after two failures: tried last, not never")
        for instance in group.instances.dropFirst() {
            for _ in 0..<2 {
                instance.begin()
                instance.end(success: false, countsAsFailure: true, timeToFirstToken: nil, tokens: 0)
            }
        }
        #expect(try group.attemptOrder(for: Self.request).count == 3, "every instance unhealthy: all are tried anyway")
    }

    @Test("least-busy picks the instance with the fewest calls in flight")
    func leastBusy() throws {
        let group = Self.group([Self.instance("a"), Self.instance("b"), Self.instance("c")], strategy: .leastBusy)
        group.instances[0].begin()
        group.instances[2].begin()
        #expect(try firstPicks(group, 5) == Array(repeating: "b", count: 5))
    }

    @Test("cost picks the cheapest instance")
    func cost() throws {
        let group = Self.group(
            [Self.instance("dear", price: ModelPrice(input: 2.5, output: 10)), Self.instance("cheap", price: ModelPrice(input: 0.15, output: 0.6))], strategy: .cost
        )
        #expect(try firstPicks(group, 4) == Array(repeating: "cheap", count: 4))
        #expect(try group.attemptOrder(for: Self.request).map(\.name) == ["cheap", "dear"])
    }

    @Test("latency sends more to the faster instance, and the weights keep a floor for the slower one")
    func latency() throws {
        let group = Self.group([Self.instance("fast"), Self.instance("slow")], strategy: .latency)
        for (instance, seconds) in zip(group.instances, [0.1, 1.0]) {
            instance.begin()
            instance.end(success: true, countsAsFailure: false, timeToFirstToken: .milliseconds(Int64(seconds * 1000)), tokens: 0)
        }
        let picks = try firstPicks(group, 110)
        let slow = picks.filter { $0 == "slow" }.count
        #expect(slow == 10, "the slow one gets its floor (a tenth of its weight), no more: \(slow)")
    }

    @Test("an instance whose own quota is used up is skipped; all used up is a rate limit with a retry time")
    func quotas() throws {
        let group = Self.group([Self.instance("small", rpm: 1), Self.instance("big", priority: 1, rpm: 2)])
        group.instances[0].begin()
        #expect(try group.attemptOrder(for: Self.request).map(\.name) == ["big"])
        group.instances[1].begin()
        group.instances[1].begin()
        #expect(throws: ModelGroup.NoInstance.self) { try group.attemptOrder(for: Self.request) }
    }
}
