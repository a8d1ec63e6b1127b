import Foundation
import MCPCore
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A model provider on 127.0.0.1 that speaks each provider's wire format by replaying the
/// recorded answers in `fixtures/providers/`, and fails on request.
///
/// The path picks the persona and the behaviour: `/<persona>[/<mode>...]/v1/chat/completions`
/// (also `/embeddings`, `/models`; the `v1` segment is optional, as DeepSeek's base URL has none).
/// Modes:
/// - `fail-<status>`: that status with the persona's error body (`429` adds `Retry-After: 1`);
/// - `reset`: the connection is closed before any answer;
/// - `stall-first`: nothing is sent until the client goes away;
/// - `stall-mid`: the head and the first two events, then nothing;
/// - `cut`: the first two events, then the connection closes without `[DONE]`;
/// - `malformed`: the first event, then a chunk that is not JSON (in the same write unless `delay-` is set);
/// - `delay-<ms>`: that long between events (the first comes at once); `ttft-<ms>`: that long before the answer;
/// - `slot-<name>`: whatever mode `setMode(_:slot:)` last set for that slot (none at first).
///
/// - `no-usage`: streams carry no usage at all (an OpenAI-compatible server that never counts);
/// - `error-mid`: the first two events, then the provider's error event, and the stream ends there.
///
/// A persona whose `persona.json` says `"wire": "anthropic"` speaks Anthropic's Messages API
/// instead (`/<persona>[/<mode>...]/v1/messages`, `/v1/messages/count_tokens`, `/v1/models`; see
/// `FakeModelProvider+Anthropic`).
///
/// A request without `Authorization: Bearer …` (Anthropic personas: or `x-api-key`) gets the
/// persona's 401. Every request is recorded.
/// Over HTTP (for tests in other processes): `GET /_requests` lists the recorded requests,
/// `DELETE /_requests` clears them, `GET /_streams` counts completed and abandoned streams, `PUT /_slots/<name>` with a mode as the body sets a slot's
/// mode (an empty body clears it).
public final class FakeModelProvider: Sendable {
    let fixtures: [String: ProviderFixtures]
    private let recorded = Mutex<[RecordedRequest]>([])
    private let slots = Mutex<[String: String]>([:])
    private let streamEnds = Mutex<(completed: Int, abandoned: Int)>((0, 0))

    /// Streams written to their end, and streams whose client (the gateway) left before it.
    public var streams: (completed: Int, abandoned: Int) { streamEnds.withLock { $0 } }

    public init(fixtures: [String: ProviderFixtures]) {
        self.fixtures = fixtures
    }

    /// The fixtures of this repository (`fixtures/providers`), found from this source file.
    public static func repositoryFixtures() throws -> [String: ProviderFixtures] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try ProviderFixtures.load(from: root.appendingPathComponent("fixtures/providers").path)
    }

    /// Every request received so far.
    public var requests: [RecordedRequest] { recorded.withLock { $0 } }

    public func clearRequests() {
        recorded.withLock { $0.removeAll() }
    }

    /// Sets (or clears, with nil) the mode of `slot-<slot>` paths.
    public func setMode(_ mode: String?, slot: String) {
        slots.withLock { $0[slot] = mode }
    }

    /// Serves on `host:port` until the calling task is cancelled; `onBound` gets the port.
    public func run(host: String = "127.0.0.1", port: Int = 0, onBound: @Sendable (Int) -> Void = { _ in }) async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 4096)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        onBound(server.channel.localAddress?.port ?? 0)
        try await withTaskCancellationHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await self.serve(connection) }
                    }
                }
            }
        } onCancel: {
            server.channel.close(promise: nil)
        }
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        let channel = connection.channel
        await withTaskCancellationHandler {
            try? await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body: [UInt8] = []
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead):
                        head = requestHead
                        body = []
                    case .body(let buffer):
                        body += buffer.readableBytesView
                    case .end:
                        guard let head else { return }
                        let exchange = FakeExchange(outbound: outbound, channel: channel, keepAlive: head.isKeepAlive)
                        guard try await answer(head, body: body, exchange: exchange), head.isKeepAlive else { return }
                    }
                }
            }
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    /// Answers one request; false when the connection must close.
    private func answer(_ head: HTTPRequestHead, body: [UInt8], exchange: FakeExchange) async throws -> Bool {
        let path = String(head.uri.split(separator: "?", maxSplits: 1).first ?? "")
        if path.hasPrefix("/_") { return try await control(head, path: path, body: body, exchange: exchange) }
        let record = RecordedRequest(method: head.method.rawValue, target: head.uri, headers: head.headers.map { ($0.name, $0.value) }, body: body)
        recorded.withLock { recorded in
            // The last 10,000 only: a benchmark sends millions.
            if recorded.count >= 10_000 { recorded.removeFirst(recorded.count - 9_999) }
            recorded.append(record)
        }
        let segments = path.split(separator: "/").map(String.init)
        let endpoints: [(suffix: [String], name: String)] = [
            (["chat", "completions"], "chat"), (["embeddings"], "embeddings"), (["models"], "models"), (["messages", "count_tokens"], "count_tokens"),
            (["messages"], "messages"),
        ]
        guard let persona = segments.first, let fixtures = fixtures[persona],
            let endpoint = endpoints.first(where: { segments.count > $0.suffix.count && Array(segments.suffix($0.suffix.count)) == $0.suffix })
        else {
            try await exchange.json(404, Array(#"{"error":{"message":"Not Found","type":"invalid_request_error","param":null,"code":null}}"#.utf8))
            return true
        }
        var modes = Array(segments.dropFirst().dropLast(endpoint.suffix.count)).filter { $0 != "v1" }
        modes = modes.flatMap { mode -> [String] in
            guard mode.hasPrefix("slot-") else { return [mode] }
            return slots.withLock { $0[String(mode.dropFirst(5))] }.map { [$0] } ?? []
        }
        let behaviour = FakeBehaviour(modes)
        if behaviour.reset { return false }
        if let ttft = behaviour.ttft { try await Task.sleep(for: .milliseconds(ttft)) }
        if behaviour.stallFirst {
            try await exchange.waitForClose()
            return false
        }
        let bearer = record.header("authorization").map { $0.hasPrefix("Bearer ") && $0.count > 7 } ?? false
        let apiKey = !(record.header("x-api-key") ?? "").isEmpty
        guard bearer || (fixtures.anthropic && apiKey) else {
            try await exchange.json(401, fixtures.errors[401] ?? Array(#"{"error":{"message":"missing key","type":"authentication_error","param":null,"code":null}}"#.utf8))
            return true
        }
        if let status = behaviour.failStatus {
            let errorBody = fixtures.errors[status] ?? Array(#"{"error":{"message":"HTTP \#(status)","type":"server_error","param":null,"code":null}}"#.utf8)
            let limited = fixtures.anthropic ? "anthropic-ratelimit-requests-remaining" : "x-ratelimit-remaining-requests"
            try await exchange.json(status, errorBody, extra: status == 429 ? [("Retry-After", "1"), (limited, "0")] : [])
            return true
        }
        switch (endpoint.name, fixtures.anthropic) {
        case ("models", _):
            try await exchange.json(200, fixtures.bodies["models"] ?? Array(#"{"object":"list","data":[]}"#.utf8))
            return true
        case ("embeddings", false):
            return try await embeddings(body, fixtures: fixtures, exchange: exchange)
        case ("chat", false):
            return try await chat(body, fixtures: fixtures, behaviour: behaviour, exchange: exchange)
        case ("messages", true):
            return try await messages(body, version: record.header("anthropic-version"), fixtures: fixtures, behaviour: behaviour, exchange: exchange)
        case ("count_tokens", true):
            return try await countTokens(body, fixtures: fixtures, exchange: exchange)
        default:
            try await exchange.json(404, fixtures.anthropic ? Self.anthropicError("not_found_error", "Not Found") : Array(#"{"error":{"message":"Not Found","type":"invalid_request_error","param":null,"code":null}}"#.utf8))
            return true
        }
    }

    /// The control routes: recorded requests and slot modes.
    private func control(_ head: HTTPRequestHead, path: String, body: [UInt8], exchange: FakeExchange) async throws -> Bool {
        if path == "/_requests", head.method == .DELETE {
            clearRequests()
            try await exchange.json(200, Array("{}".utf8))
        } else if path == "/_requests" {
            let list = requests.map { request -> JSONValue in
                var headers: JSONObject = [:]
                for (name, value) in request.headers { headers[name.lowercased()] = .string(value) }
                return ["method": .string(request.method), "target": .string(request.target), "headers": .object(headers), "body": .string(request.bodyText)]
            }
            try await exchange.json(200, JSONValue.array(list).serializedBytes())
        } else if path == "/_streams" {
            let counts = streams
            try await exchange.json(200, Array(#"{"completed":\#(counts.completed),"abandoned":\#(counts.abandoned)}"#.utf8))
        } else if path.hasPrefix("/_slots/"), head.method == .PUT {
            let mode = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            setMode(mode.isEmpty ? nil : mode, slot: String(path.dropFirst("/_slots/".count)))
            try await exchange.json(200, Array("{}".utf8))
        } else {
            try await exchange.json(404, Array(#"{"error":{"message":"unknown control route"}}"#.utf8))
        }
        return true
    }

    private func embeddings(_ body: [UInt8], fixtures: ProviderFixtures, exchange: FakeExchange) async throws -> Bool {
        guard fixtures.servesEmbeddings, let recorded = fixtures.bodies["embeddings"], var answer = try? JSONParser().parse(recorded).objectValue else {
            try await exchange.json(404, Array(#"{"error":{"message":"Not Found","type":"invalid_request_error","param":null,"code":null}}"#.utf8))
            return true
        }
        let request = try? JSONParser().parse(body)
        let inputs: Int
        switch request?["input"] {
        case .array(let items)?: inputs = items.count
        default: inputs = 1
        }
        if let first = answer["data"]?.arrayValue?.first?.objectValue {
            answer["data"] = .array((0..<inputs).map { index in
                var item = first
                item["index"] = .int(Int64(index))
                return .object(item)
            })
        }
        try await exchange.json(200, JSONValue.object(answer).serializedBytes())
        return true
    }

    private func chat(_ body: [UInt8], fixtures: ProviderFixtures, behaviour: FakeBehaviour, exchange: FakeExchange) async throws -> Bool {
        guard let request = try? JSONParser().parse(body), request.objectValue != nil else {
            try await exchange.json(400, Array(#"{"error":{"message":"We could not parse the JSON body of your request.","type":"invalid_request_error","param":null,"code":null}}"#.utf8))
            return true
        }
        if let refusal = Self.refusal(request, persona: fixtures.persona) {
            try await exchange.json(refusal.status, Array(refusal.body.utf8))
            return true
        }
        let stream = request["stream"]?.boolValue == true
        let includeUsage = request["stream_options"]?["include_usage"]?.boolValue == true
        var kind = "chat"
        if request["tools"] != nil, fixtures.bodies["tools"] != nil { kind = "tools" }
        let model = request["model"]?.stringValue ?? ""
        if fixtures.bodies["reasoning"] != nil, model.contains("reasoner") || request["thinking"]?["type"]?.stringValue == "enabled" { kind = "reasoning" }
        guard stream, let events = fixtures.streams[kind] else {
            var whole = fixtures.bodies[kind] ?? []
            if fixtures.keepAlive { whole = Array("\n\n".utf8) + whole }
            try await exchange.json(200, whole)
            return true
        }
        var sent = events.filter { !$0.isUsageChunk || includeUsage || fixtures.usage == .onFinishChunk }
        if behaviour.noUsage { sent = sent.filter { !$0.isUsageChunk }.map(Self.withoutUsage) }
        return try await replayStream(sent, anthropic: false, behaviour: behaviour, exchange: exchange)
    }

    /// Writes a stream (head, events, end) and counts how it ended; false when the connection must close.
    func replayStream(_ sent: [ProviderFixtures.Event], anthropic: Bool, behaviour: FakeBehaviour, exchange: FakeExchange) async throws -> Bool {
        try await exchange.streamHead()
        do {
            try await replay(sent, anthropic: anthropic, behaviour: behaviour, exchange: exchange)
        } catch {
            streamEnds.withLock { $0.abandoned += 1 }
            throw error
        }
        streamEnds.withLock { $0.completed += 1 }
        return !behaviour.stallMid && !behaviour.cut
    }

    /// Writes a stream's events as the behaviour says; throws when the client left.
    private func replay(_ sent: [ProviderFixtures.Event], anthropic: Bool, behaviour: FakeBehaviour, exchange: FakeExchange) async throws {
        let brokenEvent = anthropic ? Self.brokenAnthropicEvent : Self.brokenEvent
        var dataEvents = 0
        for event in sent {
            if let delay = behaviour.delay, dataEvents > 0 { try await Task.sleep(for: .milliseconds(delay)) }
            if !event.isComment {
                if behaviour.malformed, dataEvents == 0, behaviour.delay == nil {
                    // One write, so the gateway reads the good event and the broken one together.
                    try await exchange.event(event.bytes + brokenEvent)
                    try await exchange.end()
                    return
                }
                if behaviour.malformed, dataEvents == 1 {
                    try await exchange.event(brokenEvent)
                    try await exchange.end()
                    return
                }
                if behaviour.stallMid, dataEvents == 2 {
                    try await exchange.waitForClose()
                    throw FakeExchange.ClientLeft()
                }
                if behaviour.cut, dataEvents == 2 { return }
                if behaviour.errorMid, dataEvents == 2 {
                    try await exchange.event(anthropic ? Self.anthropicErrorEvent : Self.errorEvent)
                    try await exchange.end()
                    return
                }
                dataEvents += 1
            }
            try await exchange.event(event.bytes)
        }
        try await exchange.end()
    }

    /// A chunk whose JSON is cut off: what `malformed` sends after the first event.
    static let brokenEvent = Array("data: {\"id\":\"broken\",\"choices\":[{\"delta\":{\"content\":\"unterminated\n\n".utf8)

    /// The error event `error-mid` sends after two events: OpenAI's shape (a `data:` chunk with `error`).
    static let errorEvent = Array("data: {\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n".utf8)

    /// An event with its `usage` member gone.
    static func withoutUsage(_ event: ProviderFixtures.Event) -> ProviderFixtures.Event {
        let text = String(decoding: event.bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("data: "), var json = try? JSONParser().parse(String(text.dropFirst(6))).objectValue else { return event }
        json.removeValue(forKey: "usage")
        var stripped = event
        stripped.bytes = Array(("data: " + JSONValue.object(json).serialized() + "\n\n").utf8)
        return stripped
    }

    /// What each persona refuses, as its API does (llm-wire-formats.md).
    static func refusal(_ request: JSONValue, persona: String) -> (status: Int, body: String)? {
        if request["stream_options"] != nil, request["stream"]?.boolValue != true {
            return (400, #"{"error":{"message":"The 'stream_options' parameter is only allowed when 'stream' is enabled.","type":"invalid_request_error","param":"stream_options","code":null}}"#)
        }
        let model = request["model"]?.stringValue ?? ""
        switch persona {
        case "openai" where request["max_tokens"] != nil && (model.hasPrefix("o") || model.hasPrefix("gpt-5")):
            return (400, #"{"error":{"message":"Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.","type":"invalid_request_error","param":"max_tokens","code":"unsupported_parameter"}}"#)
        case "qwen" where request["enable_thinking"]?.boolValue == true && request["stream"]?.boolValue != true:
            return (400, #"{"error":{"code":"invalid_parameter_error","message":"parameter.enable_thinking must be set to false for non-streaming calls","param":null,"type":"invalid_request_error"},"request_id":"53ada3be-0000"}"#)
        case "deepseek" where request["thinking"]?.boolValue != nil:
            return (422, #"{"error":{"message":"Failed to deserialize the JSON body into the target type: thinking: expected struct ThinkingOptions","type":"invalid_request_error","param":null,"code":"invalid_request_error"}}"#)
        case "deepseek" where request["max_completion_tokens"] != nil:
            return (422, #"{"error":{"message":"unknown field `max_completion_tokens`","type":"invalid_request_error","param":null,"code":"invalid_request_error"}}"#)
        default:
            return nil
        }
    }
}
