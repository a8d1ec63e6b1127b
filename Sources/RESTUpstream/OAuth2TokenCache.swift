import AsyncHTTPClient
import Foundation
import GatewayCore
import MCPCore
import NIOCore
import UpstreamHTTP

/// Fetches OAuth 2 client-credentials tokens and caches each until shortly before it expires.
actor OAuth2TokenCache {
    private struct Token {
        var value: String
        var expires: ContinuousClock.Instant
    }

    private let client: HTTPClient
    private var tokens: [String: Token] = [:]
    /// Tokens are renewed this long before they expire.
    private let margin: Duration = .seconds(30)

    init(client: HTTPClient) {
        self.client = client
    }

    /// A valid token for these credentials at `tokenURL`, fetching one when needed.
    func token(for credentials: OAuth2ClientCredentials, tokenURL: String, timeout: Duration) async throws(RequestBuildError) -> String {
        let key = tokenURL + "\u{0}" + credentials.clientID
        if let cached = tokens[key], cached.expires > .now { return cached.value }
        var request = HTTPClientRequest(url: tokenURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        var form = "grant_type=client_credentials&client_id=\(PercentEncoding.formEncode(credentials.clientID))"
            + "&client_secret=\(PercentEncoding.formEncode(credentials.clientSecret))"
        if !credentials.scopes.isEmpty { form += "&scope=\(PercentEncoding.formEncode(credentials.scopes.joined(separator: " ")))" }
        request.body = .bytes(ByteBuffer(string: form))
        do {
            let response = try await client.execute(request, timeout: .init(timeout))
            let body = try await response.body.collect(upTo: 1 << 20)
            guard (200..<300).contains(Int(response.status.code)) else {
                throw RequestBuildError("the OAuth 2 token endpoint answered HTTP \(response.status.code)")
            }
            let json = try JSONParser().parse(Array(buffer: body))
            guard let value = json["access_token"]?.stringValue else {
                throw RequestBuildError("the OAuth 2 token endpoint's answer has no access_token")
            }
            let lifetime = json["expires_in"]?.intValue ?? 3600
            tokens[key] = Token(value: value, expires: .now + .seconds(lifetime) - margin)
            return value
        } catch let error as RequestBuildError {
            throw error
        } catch {
            throw RequestBuildError("the OAuth 2 token could not be fetched: \(RESTExecutor.describe(error, timeout: timeout))")
        }
    }
}
