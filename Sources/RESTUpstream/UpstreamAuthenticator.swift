import Foundation
import GatewayCore
import OpenAPIImport
import UpstreamHTTP

/// Adds the gateway's credentials to a prepared request, following the operation's security
/// requirements, and forwards only allow-listed caller headers.
struct UpstreamAuthenticator: Sendable {
    let credentials: UpstreamCredentials
    let schemes: [String: SecurityScheme]
    let tokens: OAuth2TokenCache?
    let timeout: Duration

    func authenticate(
        _ request: inout PreparedRequest, binding: OperationBinding, callerHeaders: [(name: String, value: String)]
    ) async throws(RequestBuildError) {
        for header in credentials.headers { request.headers.append(header) }
        for rule in credentials.passthrough {
            for header in callerHeaders where header.name.lowercased() == rule.name.lowercased() {
                request.headers.append((rule.renameTo ?? header.name, header.value))
            }
        }
        if binding.security.isEmpty {
            // The document says nothing: send a configured bearer or basic credential anyway.
            if schemes.isEmpty { try await applyGeneric(&request) }
            return
        }
        // The first alternative whose every scheme we can satisfy; an empty alternative means anonymous access.
        for alternative in binding.security {
            let resolved = alternative.compactMap { name in schemes[name].map { (name, $0) } }
            guard resolved.count == alternative.count, resolved.allSatisfy({ canApply($0.1, name: $0.0) }) else { continue }
            for (name, scheme) in resolved { try await apply(scheme, name: name, to: &request) }
            return
        }
    }

    private func apiKey(for name: String) -> String? {
        credentials.apiKeys[name] ?? credentials.apiKeys["*"]
    }

    private func canApply(_ scheme: SecurityScheme, name: String) -> Bool {
        switch scheme {
        case .apiKey: return apiKey(for: name) != nil
        case .bearer, .openIDConnect: return credentials.bearerToken != nil || credentials.clientCredentials != nil
        case .basic: return credentials.basic != nil
        case .oauth2(let tokenURL):
            return credentials.bearerToken != nil || (credentials.clientCredentials.map { $0.tokenURL ?? tokenURL } ?? nil) != nil
        case .unsupported: return false
        }
    }

    private func apply(_ scheme: SecurityScheme, name: String, to request: inout PreparedRequest) async throws(RequestBuildError) {
        switch scheme {
        case .apiKey(let keyName, let location):
            guard let value = apiKey(for: name) else { return }
            switch location {
            case .header: request.headers.append((keyName, value))
            case .cookie: request.headers.append(("Cookie", "\(PercentEncoding.encode(keyName))=\(PercentEncoding.encode(value))"))
            case .query, .path:
                let separator = request.url.contains("?" as Character) ? "&" : "?"
                request.url += "\(separator)\(PercentEncoding.encode(keyName))=\(PercentEncoding.encode(value))"
            }
        case .basic:
            guard let basic = credentials.basic else { return }
            request.headers.append(("Authorization", "Basic " + Data("\(basic.user):\(basic.password)".utf8).base64EncodedString()))
        case .bearer, .openIDConnect:
            request.headers.append(("Authorization", "Bearer " + (try await bearer(tokenURL: nil))))
        case .oauth2(let tokenURL):
            request.headers.append(("Authorization", "Bearer " + (try await bearer(tokenURL: tokenURL))))
        case .unsupported:
            return
        }
    }

    private func applyGeneric(_ request: inout PreparedRequest) async throws(RequestBuildError) {
        if credentials.bearerToken != nil || credentials.clientCredentials?.tokenURL != nil {
            request.headers.append(("Authorization", "Bearer " + (try await bearer(tokenURL: nil))))
        } else if credentials.basic != nil {
            try await apply(.basic, name: "", to: &request)
        }
    }

    private func bearer(tokenURL: String?) async throws(RequestBuildError) -> String {
        if let token = credentials.bearerToken { return token }
        guard let clientCredentials = credentials.clientCredentials, let url = clientCredentials.tokenURL ?? tokenURL, let tokens else {
            throw RequestBuildError("no bearer token or OAuth 2 client credentials are configured for this upstream")
        }
        return try await tokens.token(for: clientCredentials, tokenURL: url, timeout: timeout)
    }
}
