import GatewayCore
import GatewayPolicy
import MCPCore
import Synchronization
import Testing

/// Keeps what the audit policy writes, in memory.
final class KeptRecords: AuditSink {
    let records = Mutex<[AuditRecord]>([])
    func write(_ record: AuditRecord, untilDurable: Bool) async throws(GatewayError) { records.withLock { $0.append(record) } }
    func submit(_ record: AuditRecord, untilDurable: Bool) { records.withLock { $0.append(record) } }
}

@Suite("Audit policy")
struct AuditPolicyTests {
    let context = CallContext(identity: Identity(consumer: "team-a", isAuthenticated: true), server: "wiki", transport: "http")

    func record(answer: String, limit: Int) async throws -> AuditRecord {
        let sink = KeptRecords()
        let chain = PolicyChain([AuditPolicy(sink: sink, payloads: true, redactor: nil, maxPayloadCharacters: limit)])
        _ = try await chain.run(ToolCall(name: "search", arguments: ["q": "x"]), context: context) { (_, _) async throws(GatewayError) -> MCPToolResult in
            MCPToolResult(content: [.text(answer)])
        }
        return try #require(sink.records.withLock { $0.first })
    }

    @Test("payloads are cut at the limit counted in characters, not bytes, with a marker")
    func payloadLimit() async throws {
        let accented = String(repeating: "é", count: 10)  // 20 bytes, 10 characters
        #expect(try await record(answer: accented, limit: 15).response == accented)
        #expect(try await record(answer: String(repeating: "a", count: 15), limit: 15).response == String(repeating: "a", count: 15))
        #expect(try await record(answer: String(repeating: "é", count: 20), limit: 15).response == String(repeating: "é", count: 15) + "…[cut]")
        let kept = try await record(answer: "fine", limit: 15)
        #expect(kept.target.hasPrefix("wiki"), "\(kept.target)")
        #expect(kept.consumer == "team-a" && kept.status == "ok")
        #expect(kept.request?.contains("x") == true)
    }
}
