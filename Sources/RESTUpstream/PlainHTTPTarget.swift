import Foundation
import UpstreamHTTP

/// An `http://` or `https://` URL split for the connection pool: where to connect and what to
/// ask for. `nil` for anything else (user info in the URL), which AsyncHTTPClient sends. It is
/// made from the same reading of the URL as the host check (`UpstreamURL`), so both see the same host.
struct PlainHTTPTarget {
    var origin: HTTP1Origin
    /// The percent-encoded path and query (`/` when the path is empty); the fragment is not sent.
    var requestTarget: String

    init(origin: HTTP1Origin, requestTarget: String) {
        self.origin = origin
        self.requestTarget = requestTarget
    }

    init?(_ components: URLComponents?) {
        guard let components, let (origin, requestTarget) = HTTP1Origin.split(components) else { return nil }
        self.origin = origin
        self.requestTarget = requestTarget
    }
}
