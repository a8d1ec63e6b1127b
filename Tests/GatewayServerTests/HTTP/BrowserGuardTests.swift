import Testing

@testable import GatewayServer

@Suite("Browser guard")
struct BrowserGuardTests {
    let guarded = BrowserGuard(allowedOrigins: ["https://app.example.com"], allowedHosts: ["gateway.example.com"])

    @Test("loopback names and the listed hosts are served, with or without a port and in any case; others are not")
    func hosts() {
        for served in ["127.0.0.1", "127.0.0.1:8080", "localhost:1", "LocalHost", "[::1]:443", "[::1]", "gateway.example.com", "Gateway.Example.com:443"] {
            #expect(guarded.serves(authority: served), "\(served)")
        }
        for foreign in ["evil.example", "evil.example:8080", "127.0.0.1.evil.example", "localhost.evil.example:80", "gateway.example.com.evil", ""] {
            #expect(!guarded.serves(authority: foreign), "\(foreign)")
        }
        #expect(BrowserGuard().serves(authority: "gateway.example.com") == false, "nothing beyond loopback by default")
    }

    @Test("a listener beyond loopback with no allowed hosts is warned about; loopback or listed hosts are not")
    func listenerWarning() {
        for quiet in [("127.0.0.1", [String]()), ("127.0.0.2", []), ("localhost", []), ("::1", []), ("0.0.0.0", ["gateway.example.com"])] {
            #expect(BrowserGuard.listenerWarning(listenHost: quiet.0, allowedHosts: quiet.1) == nil, "\(quiet)")
        }
        for exposed in ["0.0.0.0", "::", "10.0.0.5", "gateway.example.com"] {
            let warning = BrowserGuard.listenerWarning(listenHost: exposed, allowedHosts: [String]())
            #expect(warning?.hasPrefix("the listener is bound to \(exposed), beyond loopback, and http.allowed_hosts is empty") == true, "\(exposed)")
        }
    }

    @Test("loopback origins and the listed ones are allowed; other sites and opaque origins are not")
    func origins() {
        for allowed in ["http://localhost:3000", "http://127.0.0.1", "http://[::1]:8080", "https://app.example.com"] {
            #expect(guarded.isAllowed(origin: allowed), "\(allowed)")
        }
        for refused in ["https://evil.example", "https://app.example.com:8443", "http://app.example.com", "null", "http://localhost.evil.example"] {
            #expect(!guarded.isAllowed(origin: refused), "\(refused)")
        }
    }
}
