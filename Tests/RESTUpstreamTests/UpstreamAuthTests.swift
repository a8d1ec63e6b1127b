import Foundation
import GatewayCore
import GatewayTesting
import MCPCore
import OpenAPIImport
import RESTUpstream
import Testing

/// The gateway's own credentials reach the upstream as the document's security schemes say;
/// the caller's never do unless allow-listed; secrets never come back in results.
@Suite("Upstream authentication and the SSRF guard")
struct UpstreamAuthTests {
    static let secured = try! OpenAPIImporter().importDocument(path: UpstreamHarness.repository.appendingPathComponent("fixtures/openapi/secured.yaml").path)

    func withSecured<R: Sendable>(
        _ credentials: @escaping @Sendable (Int) -> UpstreamCredentials,
        _ body: @Sendable (RecordingUpstream, OpenAPIToolProvider) async throws -> R
    ) async throws -> R {
        let upstream = RecordingUpstream()
        return try await withLiveServer(upstream.router()) { port in
            let executor = RESTExecutor(client: UpstreamHarness.client, logger: UpstreamHarness.logger)
            let provider = OpenAPIToolProvider(
                imported: Self.secured, executor: executor, baseURL: "http://127.0.0.1:\(port)", credentials: credentials(port)
            )
            return try await body(upstream, provider)
        }
    }

    @Test("bearer, basic and API keys in header, query and cookie, per operation")
    func schemes() async throws {
        let credentials = UpstreamCredentials(
            bearerToken: "bearer-secret-1", basic: ("ann", "pass-secret-2"),
            apiKeys: ["headerKey": "header-secret-3", "queryKey": "query-secret-4", "cookieKey": "cookie-secret-5"]
        )
        try await withSecured({ _ in credentials }) { upstream, provider in
            _ = try await UpstreamHarness.call(provider, "withBearer", [:])
            #expect(upstream.last?.header("Authorization") == "Bearer bearer-secret-1")
            _ = try await UpstreamHarness.call(provider, "withHeaderKey", [:])
            #expect(upstream.last?.header("X-API-Key") == "header-secret-3")
            #expect(upstream.last?.header("Authorization") == nil, "only the operation's own scheme is applied")
            let query = try await UpstreamHarness.call(provider, "withQueryKey", ["q": "x"])
            #expect(upstream.last?.target == "/query-key?q=x&api_key=query-secret-4")
            #expect(!query.text.contains("query-secret-4"), "the upstream echoed the key; the result must not show it")
            #expect(query.text.contains("[redacted]"))
            _ = try await UpstreamHarness.call(provider, "withCookieKey", [:])
            #expect(upstream.last?.header("Cookie") == "session_key=cookie-secret-5")
            _ = try await UpstreamHarness.call(provider, "withBasic", [:])
            #expect(upstream.last?.header("Authorization") == "Basic " + Data("ann:pass-secret-2".utf8).base64EncodedString())
            _ = try await UpstreamHarness.call(provider, "anonymous", [:])
            #expect(upstream.last?.header("Authorization") == nil && upstream.last?.header("X-API-Key") == nil)
            _ = try await UpstreamHarness.call(provider, "withEither", [:])
            #expect(upstream.last?.header("Authorization") == "Bearer bearer-secret-1", "the first satisfiable alternative wins")
        }
    }

    @Test("OAuth 2 client credentials: a token is fetched once, cached, and refreshed when it expires")
    func clientCredentials() async throws {
        try await withSecured({ port in
            UpstreamCredentials(clientCredentials: .init(tokenURL: "http://127.0.0.1:\(port)/oauth/token", clientID: "gw", clientSecret: "client-secret-6", scopes: ["read"]))
        }) { upstream, provider in
            _ = try await UpstreamHarness.call(provider, "withOAuth", [:])
            _ = try await UpstreamHarness.call(provider, "withOAuth", [:])
            let tokenRequests = upstream.requests.filter { $0.target.hasPrefix("/oauth/token") }
            #expect(tokenRequests.count == 1)
            #expect(tokenRequests.first?.bodyText == "grant_type=client_credentials&client_id=gw&client_secret=client-secret-6&scope=read")
            #expect(upstream.last?.header("Authorization") == "Bearer token-1")
        }
        try await withSecured({ port in
            UpstreamCredentials(clientCredentials: .init(tokenURL: "http://127.0.0.1:\(port)/oauth/token?ttl=1", clientID: "gw", clientSecret: "client-secret-6"))
        }) { upstream, provider in
            _ = try await UpstreamHarness.call(provider, "withOAuth", [:])
            _ = try await UpstreamHarness.call(provider, "withOAuth", [:])
            #expect(upstream.requests.filter { $0.target.hasPrefix("/oauth/token") }.count == 2, "an expired token is fetched again")
            #expect(upstream.last?.header("Authorization") == "Bearer token-2", "the second fetch issued the second token")
        }
    }

    @Test("the caller's headers are never forwarded unless allow-listed (optionally renamed)")
    func passthrough() async throws {
        let credentials = UpstreamCredentials(bearerToken: "gateway-token", passthrough: [HeaderPassthrough(name: "x-user", renameTo: "X-Forwarded-User")])
        try await withSecured({ _ in credentials }) { upstream, provider in
            let context = CallContext(
                server: "secured", transport: "http",
                callerHeaders: [("Authorization", "Bearer caller-token"), ("Cookie", "sid=caller"), ("X-User", "ann")]
            )
            _ = try await provider.call(ToolCall(name: "withBearer", arguments: [:]), context: context)
            let request = try #require(upstream.last)
            #expect(request.headers.filter { $0.name.lowercased() == "authorization" }.map(\.value) == ["Bearer gateway-token"])
            #expect(request.header("Cookie") == nil)
            #expect(request.header("X-Forwarded-User") == "ann")
            #expect(request.header("X-User") == nil)
        }
    }

    @Test("SSRF guard: a document's private address needs configuration; the base URL's host counts as configured")
    func hostGuard() async throws {
        try await UpstreamHarness.withUpstream { upstream, configured in
            let executor = RESTExecutor(client: UpstreamHarness.client, logger: UpstreamHarness.logger)
            // The document's own server is 127.0.0.1: loopback, and not configured.
            let unconfigured = OpenAPIToolProvider(imported: UpstreamHarness.imported, executor: executor)
            let refused = try await UpstreamHarness.call(unconfigured, "image", [:])
            #expect(refused.isError && refused.text.contains("private, loopback or link-local"))
            #expect(upstream.requests.isEmpty)
            let allowed = try await UpstreamHarness.call(configured, "image", [:])
            #expect(!allowed.isError)
        }
        #expect(HostPolicy.isPrivateAddress("169.254.169.254") && HostPolicy.isPrivateAddress("127.0.0.1"))
        #expect(HostPolicy.isPrivateAddress("10.1.2.3") && HostPolicy.isPrivateAddress("172.20.0.1") && HostPolicy.isPrivateAddress("192.168.1.1"))
        #expect(HostPolicy.isPrivateAddress("::1") && HostPolicy.isPrivateAddress("fe80::1") && HostPolicy.isPrivateAddress("::ffff:10.0.0.1"))
        #expect(!HostPolicy.isPrivateAddress("93.184.216.34") && !HostPolicy.isPrivateAddress("2606:4700::1111"))
    }

    @Test("an operation whose scheme has no configured credential is sent without one (the upstream decides)")
    func noCredential() async throws {
        try await withSecured({ _ in UpstreamCredentials() }) { upstream, provider in
            let result = try await UpstreamHarness.call(provider, "withOAuth", [:])
            #expect(!result.isError)
            #expect(upstream.last?.header("Authorization") == nil)
        }
    }
}
