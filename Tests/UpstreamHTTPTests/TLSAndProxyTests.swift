import Foundation
import NIOCore
import NIOHTTP1
import Testing
import UpstreamHTTP

/// `https://` on the pool (a test CA added to the system's trust store) and the egress proxy
/// (plain requests in absolute form, https through a CONNECT tunnel), against Debian's tinyproxy.
@Suite("Pool: TLS and the egress proxy", .serialized)
struct TLSAndProxyTests {
    static func get(_ pool: HTTP1ConnectionPool, _ origin: HTTP1Origin, _ path: String) async throws -> HTTP1Response {
        try await pool.execute(HTTPRequestHead(version: .http1_1, method: .GET, uri: path), body: nil, origin: origin, deadline: .now() + .seconds(10), maxBytes: 1 << 16)
    }

    static func text(_ response: HTTP1Response) -> String { String(decoding: response.body, as: UTF8.self) }

    @Test("https to a local server whose certificate a configured CA signed; kept alive; refused without that CA")
    func https() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let server = try await TLSTestServer(certificates: certificates)
        let origin = HTTP1Origin(host: "localhost", port: server.port, tls: true)
        let pool = HTTP1ConnectionPool(configuration: .init(caFile: certificates.caFile, proxy: nil))
        #expect(Self.text(try await Self.get(pool, origin, "/a")) == "hello over tls /a")
        #expect(Self.text(try await Self.get(pool, origin, "/b")) == "hello over tls /b")

        let untrusting = HTTP1ConnectionPool(configuration: .init(proxy: nil))
        await #expect {
            _ = try await Self.get(untrusting, origin, "/a")
        } throws: { error in
            guard let error = error as? HTTP1PoolError else { return false }
            return error.code == .connectFailed && error.message.hasPrefix("TLS error:")
        }
        try await server.stop()
    }

    @Test("plain http through the proxy: the request names its whole URL, the proxy forwards it")
    func httpThroughProxy() async throws {
        let proxy = try await TinyProxy()
        defer { proxy.stop() }
        let upstream = try await ScriptedUpstream { _ in .answer(ScriptedUpstream.ok("{\"via\":\"proxy\"}")) }
        let pool = HTTP1ConnectionPool(
            configuration: .init(proxy: EgressProxy(http: .init(host: "127.0.0.1", port: proxy.port), bypassLoopback: false))
        )
        let answer = try await Self.get(pool, HTTP1Origin(host: "127.0.0.1", port: upstream.port), "/pets?limit=2")
        #expect(Self.text(answer) == "{\"via\":\"proxy\"}")
        let logged = try await proxy.waitForLog(containing: "GET http://127.0.0.1:\(upstream.port)/pets?limit=2")
        #expect(logged != nil)
        #expect(upstream.arrivals.first?.head.uri == "/pets?limit=2")
        try await upstream.stop()
    }

    @Test("https through the proxy: CONNECT opens a tunnel, TLS runs inside it end to end")
    func httpsThroughProxy() async throws {
        let proxy = try await TinyProxy()
        defer { proxy.stop() }
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let server = try await TLSTestServer(certificates: certificates)
        let pool = HTTP1ConnectionPool(
            configuration: .init(caFile: certificates.caFile, proxy: EgressProxy(https: .init(host: "127.0.0.1", port: proxy.port), bypassLoopback: false))
        )
        let answer = try await Self.get(pool, HTTP1Origin(host: "localhost", port: server.port, tls: true), "/secure")
        #expect(Self.text(answer) == "hello over tls /secure")
        #expect(try await proxy.waitForLog(containing: "CONNECT localhost:\(server.port)") != nil)
        try await server.stop()
    }

    @Test("a proxy that refuses the tunnel is named in the error, and NO_PROXY hosts go direct")
    func refusalsAndBypass() async throws {
        let upstream = try await ScriptedUpstream { _ in .answerAndClose("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n") }
        let pool = HTTP1ConnectionPool(
            configuration: .init(proxy: EgressProxy(https: .init(host: "127.0.0.1", port: upstream.port), bypassLoopback: false))
        )
        await #expect {
            _ = try await Self.get(pool, HTTP1Origin(host: "api.example.com", port: 443, tls: true), "/")
        } throws: { error in
            (error as? HTTP1PoolError)?.code == .connectFailed && "\(error)".contains("the proxy refused the tunnel: HTTP/1.1 403 Forbidden")
        }
        let proxy = EgressProxy(
            http: .init(host: "proxy.internal", port: 3128), https: .init(host: "proxy.internal", port: 3128), noProxy: ["internal.example", ".corp"]
        )
        #expect(proxy.endpoint(for: HTTP1Origin(host: "api.internal.example", port: 80)) == nil)
        #expect(proxy.endpoint(for: HTTP1Origin(host: "wiki.corp", port: 443, tls: true)) == nil)
        #expect(proxy.endpoint(for: HTTP1Origin(host: "127.0.0.1", port: 80)) == nil)
        #expect(proxy.endpoint(for: HTTP1Origin(host: "api.openai.com", port: 443, tls: true))?.host == "proxy.internal")
        let environment = EgressProxy.fromEnvironment([
            "HTTPS_PROXY": "http://user:p%40ss@proxy.internal:3128", "no_proxy": "*.skip.example, localhost", "http_proxy": "proxy.internal:8080",
        ])
        #expect(environment?.https == .init(host: "proxy.internal", port: 3128, authorization: "Basic dXNlcjpwQHNz"))
        #expect(environment?.http?.port == 8080)
        #expect(environment?.endpoint(for: HTTP1Origin(host: "a.skip.example", port: 80)) == nil)
        #expect(EgressProxy.fromEnvironment([:]) == nil)
        try await upstream.stop()
    }
}
