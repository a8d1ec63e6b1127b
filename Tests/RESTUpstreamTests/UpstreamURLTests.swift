import Foundation
import Testing

@testable import RESTUpstream
import UpstreamHTTP

/// The direct split of plain `http://` URLs must read every URL it accepts exactly as
/// `URLComponents` does, and leave every other shape to it.
@Suite("Upstream URL reading")
struct UpstreamURLTests {
    /// What `URLComponents` makes of a URL: scheme, host, origin and request target.
    static func viaComponents(_ url: String) -> (scheme: String?, host: String?, origin: HTTP1Origin?, target: String?) {
        let components = URLComponents(string: url)
        let plain = PlainHTTPTarget(components)
        return (components?.scheme?.lowercased(), components?.host?.lowercased(), plain?.origin, plain?.requestTarget)
    }

    @Test(
        "URLs in the request builder's shape are split directly, as URLComponents reads them",
        arguments: [
            "http://127.0.0.1:8080/pets/1",
            "http://API.Example.com/v1/pets?limit=10&tags=a,b",
            "http://example.com",
            "http://example.com?q=1",
            "http://example.com:80/",
            "http://localhost:65535/a/%7Bb%7D/c?x=%20y&z=~_-.!$'()*+;=:@/?",
            "http://10.0.0.7:9000/items/a%2Fb",
        ]
    )
    func splitMatchesComponents(url: String) throws {
        let split = try #require(UpstreamURL.split(url))
        let expected = Self.viaComponents(url)
        #expect(split.origin == expected.origin)
        #expect(split.requestTarget == expected.target)
        let read = UpstreamURL(url)
        #expect(read.scheme == expected.scheme)
        #expect(read.host == expected.host)
        #expect(read.plain?.origin == expected.origin)
        let prepared = PreparedRequest(method: "GET", url: url, headers: [], body: nil)
        #expect(prepared.plainTarget?.origin == expected.origin)
        #expect(prepared.plainTarget?.requestTarget == expected.target)
    }

    @Test(
        "other shapes are left to URLComponents, and read the same way as before",
        arguments: [
            "https://example.com/pets",
            "HTTP://example.com/pets",
            "http://user:secret@example.com/pets",
            "http://[::1]:8080/pets",
            "http://exämple.com/pets",
            "http://example.com/pets#top",
            "http://example.com/a b",
            "http://example.com/100%",
            "http://example.com:/pets",
            "http://example.com:99999/pets",
            "http://example.com:0/pets",
            "ftp://example.com/file",
        ]
    )
    func otherShapesFallBack(url: String) {
        #expect(UpstreamURL.split(url) == nil)
        let read = UpstreamURL(url)
        let expected = Self.viaComponents(url)
        #expect(read.scheme == expected.scheme)
        #expect(read.host == expected.host)
        #expect(read.plain?.origin == expected.origin)
        #expect(read.plain?.requestTarget == expected.target)
    }
}
