import UpstreamHTTP
extension PreparedRequest {
    /// Where the request goes when its URL is a plain `http://` URL in the request builder's
    /// shape (`UpstreamURL.split`): the origin to connect to and the path and query to ask for;
    /// `nil` for any other URL.
    public var plainTarget: (origin: HTTP1Origin, requestTarget: String)? {
        UpstreamURL.split(url).map { ($0.origin, $0.requestTarget) }
    }
}
