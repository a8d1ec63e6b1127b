import Benchmark
import Foundation
import GatewayCore
import GatewayStore
import Logging
import MCPCore
import OpenAPIImport
import RESTUpstream

/// The hot paths of one tool call, in process: JSON-RPC decode, the session engine's dispatch,
/// building the upstream request, encoding the reply, and its audit record's write.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .mallocCountTotal, .throughput], maxDuration: .seconds(3))

    let call = Array(#"{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"getPet","arguments":{"petId":1},"_meta":{"progressToken":"p"}}}"#.utf8)
    let codec = JSONRPCCodec()

    Benchmark("JSON-RPC decode tools/call") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(codec.decode(call)) }
    }

    let result = MCPToolResult(
        content: [.text(#"{"id":1,"name":"Rex","species":"dog","tags":["good boy"]}"#)],
        structuredContent: ["id": 1, "name": "Rex", "species": "dog", "tags": ["good boy"]]
    )
    let reply = JSONRPCMessage.result(id: JSONRPCID(42)!, result: result.jsonValue(for: .latest))
    Benchmark("JSON-RPC encode tools/call result") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(reply.jsonValue.serializedBytes()) }
    }

    let specURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../toolcall/bench-api.yaml").standardized
    let imported = try! OpenAPIImporter().importDocument(path: specURL.path)
    let binding = imported.tools[0].binding
    Benchmark("build upstream request (getPet)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? RequestBuilder().build(binding, arguments: ["petId": 1], baseURL: "http://127.0.0.1:9000"))
        }
    }

    var logger = Logger(label: "bench")
    logger.logLevel = .critical
    let session = MCPServerSession(configuration: .init(serverInfo: .init(name: "bench", version: "1")), handler: EchoHandler(result: result), logger: logger) { _ in }
    let initialize = Array(#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}}"#.utf8)
    Benchmark("engine: tools/call decode → handler → encode") { benchmark in
        _ = await session.receive(initialize)
        for _ in benchmark.scaledIterations {
            blackHole(await session.receive(call)?.jsonValue.serializedBytes())
        }
    }

    // 1,000 records like a tool call's (payloads kept) queued, the last one awaited: the writer's
    // JSON, chain hash and SQLite insert for each, in batches as under load.
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("toolgate-micro-\(UUID().uuidString)")
    let store = try! SQLiteAuditStore(path: folder.appendingPathComponent("audit.db").path, logger: logger)
    var record = AuditRecord(
        time: Date(), consumer: "alice", kind: .toolCall, target: "bench/getPet", status: "ok", transport: "http", requestID: "42",
        clientAddress: "127.0.0.1", latencyMilliseconds: 1.234,
        verdicts: [PolicyVerdict(policy: "identity", outcome: .allowed), PolicyVerdict(policy: "redact", outcome: .modified, detail: "email")]
    )
    record.request = #"{"petId":1,"note":"mail [EMAIL] about it"}"#
    record.response = #"{"id":1,"name":"Rex","species":"dog","tags":["good boy"]}"#
    Benchmark("audit store: 1,000 records written", configuration: .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal], maxDuration: .seconds(5))) { benchmark in
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await store.run() }
            for _ in benchmark.scaledIterations {
                for _ in 0..<999 {
                    var next = record
                    next.id = AuditRecord.newID()
                    try? await store.write(next, untilDurable: false)
                }
                try? await store.write(record, untilDurable: true)
                record.id = AuditRecord.newID()
            }
            group.cancelAll()
        }
    }
}

/// A handler that answers every call with one fixed result (no upstream), so the engine alone is measured.
struct EchoHandler: MCPServerHandler {
    let result: MCPToolResult
    func listTools() async throws(JSONRPCError) -> [MCPTool] { [] }
    func callTool(_ call: MCPToolCall) async throws(JSONRPCError) -> MCPToolResult { result }
}
