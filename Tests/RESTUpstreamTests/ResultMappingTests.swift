import GatewayCore
import GatewayTesting
import MCPCore
import RESTUpstream
import Testing

/// Answers and faults of the live upstream become the right MCP results, and the gateway keeps serving.
@Suite("Results and faults")
struct ResultMappingTests {
    @Test("a 2xx JSON object becomes text plus structuredContent")
    func jsonObject() async throws {
        try await UpstreamHarness.withUpstream { _, provider in
            let result = try await UpstreamHarness.call(provider, "getFile", ["path": "p"])
            #expect(!result.isError)
            #expect(result.structuredContent?["method"] == "GET")
            #expect(result.text.contains(#""target":"/files/p""#))
        }
    }

    @Test("a non-2xx answer is isError with the status and the body")
    func errorStatus() async throws {
        try await UpstreamHarness.withUpstream { _, provider in
            let result = try await UpstreamHarness.call(provider, "status", ["code": 404])
            #expect(result.isError)
            #expect(result.text.hasPrefix("HTTP 404 Not Found"))
            #expect(result.text.contains("upstream said 404"))
            let denied = try await UpstreamHarness.call(provider, "status", ["code": 401])
            #expect(denied.text.contains("credential"))
        }
    }

    @Test("204, text, images and redirects")
    func otherAnswers() async throws {
        try await UpstreamHarness.withUpstream { _, provider in
            let empty = try await UpstreamHarness.call(provider, "empty", [:])
            #expect(!empty.isError && empty.text.contains("204"))
            let text = try await UpstreamHarness.call(provider, "text", [:])
            #expect(text.text == "plain words" && text.structuredContent == nil)
            let image = try await UpstreamHarness.call(provider, "image", [:])
            guard case .image(let data, let mimeType)? = image.content.first else {
                Issue.record("expected image content")
                return
            }
            #expect(mimeType == "image/png" && data == "iVBORw0KGgoAAAAA")
            let redirect = try await UpstreamHarness.call(provider, "redirect", [:])
            #expect(redirect.isError && redirect.text.hasPrefix("HTTP 302"), "redirects are not followed")
        }
    }

    @Test("a body over the size cap is cut with a marker")
    func truncation() async throws {
        try await UpstreamHarness.withUpstream(limits: .init(maxResponseBytes: 1000)) { _, provider in
            let result = try await UpstreamHarness.call(provider, "big", ["bytes": 50_000])
            #expect(!result.isError)
            #expect(result.text.contains("[truncated: the upstream answer exceeded 1000 bytes]"))
            #expect(result.text.count < 1200)
        }
    }

    @Test("a timeout becomes isError and the provider keeps serving")
    func timeout() async throws {
        // 1 s: long enough that the call after it, on a loaded 2-core machine, still fits (0.2 s did not).
        try await UpstreamHarness.withUpstream(limits: .init(timeout: .seconds(1))) { _, provider in
            let result = try await UpstreamHarness.call(provider, "slow", ["ms": 5000])
            #expect(result.isError)
            #expect(result.text.contains("timeout"))
            let next = try await UpstreamHarness.call(provider, "getFile", ["path": "after"])
            #expect(!next.isError)
        }
    }

    @Test("a refused connection becomes isError with a clear message")
    func refused() async throws {
        let executor = RESTExecutor(client: UpstreamHarness.client, logger: UpstreamHarness.logger)
        let provider = OpenAPIToolProvider(imported: UpstreamHarness.imported, executor: executor, baseURL: "http://127.0.0.1:1")
        let result = try await UpstreamHarness.call(provider, "getFile", ["path": "p"])
        #expect(result.isError)
        #expect(result.text.contains("connection refused"))
    }

    @Test("cancelling the calling task cancels the HTTP request")
    func cancellation() async throws {
        try await UpstreamHarness.withUpstream { upstream, provider in
            let started = ContinuousClock.now
            let task = Task { try await UpstreamHarness.call(provider, "slow", ["ms": 20_000]) }
            var arrivals = upstream.arrivals.makeAsyncIterator()
            #expect(await arrivals.next()?.target == "/slow/20000")
            task.cancel()
            let result = try await task.value
            #expect(result.isError)
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }

    @Test("an unknown tool is a GatewayError, not a result")
    func unknownTool() async throws {
        try await UpstreamHarness.withUpstream { _, provider in
            _ = await #expect(throws: GatewayError.self) { try await UpstreamHarness.call(provider, "nope", [:]) }
        }
    }
}

@Suite("Compressed answers")
struct CompressedAnswerTests {
    @Test("gzip and deflate answers are asked for and decoded into the JSON inside")
    func decoded() async throws {
        try await UpstreamHarness.withUpstream { upstream, provider in
            for encoding in ["gzip", "deflate"] {
                let result = try await UpstreamHarness.call(provider, "compressed", ["encoding": .string(encoding), "bytes": 2000])
                #expect(!result.isError, "\(encoding)")
                #expect(result.structuredContent?["filler"]?.stringValue?.count == 2000, "\(encoding)")
                #expect(upstream.last?.header("accept-encoding") == "gzip, deflate")
            }
        }
    }

    @Test("the size cap applies to the decoded bytes; a body marked gzip that is not is a clear error")
    func capAndCorruption() async throws {
        try await UpstreamHarness.withUpstream(limits: .init(maxResponseBytes: 4096)) { _, provider in
            // 200,000 bytes of 'y' compress to a few hundred: small on the wire, far over the cap decoded.
            let inflated = try await UpstreamHarness.call(provider, "compressed", ["encoding": "gzip", "bytes": 200_000])
            #expect(inflated.isError)
            #expect(inflated.text.contains("gzip answer is larger than 4096 bytes once decompressed"), "\(inflated.text)")
            let bad = try await UpstreamHarness.call(provider, "compressed", ["encoding": "bad", "bytes": 10])
            #expect(bad.isError)
            #expect(bad.text.contains("marked gzip but could not be decompressed"), "\(bad.text)")
            // The provider keeps serving.
            let fine = try await UpstreamHarness.call(provider, "compressed", ["encoding": "gzip", "bytes": 100])
            #expect(!fine.isError)
        }
    }
}
