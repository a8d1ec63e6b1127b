import ArgumentParser
import Foundation
import GatewayConfig
import GatewayCore
import RESTUpstream

/// The gateway's own credentials for the upstream API, and the hosts it may reach. Secrets are
/// read from environment variables named here, never from the command line itself.
struct UpstreamFlags: ParsableArguments {
    @Option(name: .long, help: "Environment variable holding a bearer token for the upstream.")
    var bearerTokenEnv: String?

    @Option(name: .long, help: "Environment variable holding 'user:password' for HTTP basic authentication.")
    var basicAuthEnv: String?

    @Option(name: .long, help: "Environment variable holding an API key, applied to the document's apiKey schemes.")
    var apiKeyEnv: String?

    @Option(name: .long, help: "OAuth 2 client-credentials client id.")
    var oauth2ClientId: String?

    @Option(name: .long, help: "Environment variable holding the OAuth 2 client secret.")
    var oauth2ClientSecretEnv: String?

    @Option(name: .long, help: "OAuth 2 token URL (default: the document's clientCredentials tokenUrl).")
    var oauth2TokenUrl: String?

    @Option(name: .long, help: "OAuth 2 scope to request (repeatable).")
    var oauth2Scope: [String] = []

    @Option(name: .long, help: "A header sent on every upstream request, 'Name: value'; ${VAR} in the value is read from the environment (repeatable).")
    var header: [String] = []

    @Option(name: .long, help: "A further host the tools may reach (repeatable).")
    var allowHost: [String] = []

    @Option(name: .long, help: "A host that may be a private or loopback address, e.g. 127.0.0.1 (repeatable; the --base-url host always may).")
    var allowPrivateHost: [String] = []

    func credentials(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> UpstreamCredentials {
        func secret(_ variable: String?, _ flag: String) throws -> String? {
            guard let variable else { return nil }
            guard let value = environment[variable], !value.isEmpty else {
                throw ValidationError("\(flag): environment variable \(variable) is not set")
            }
            return value
        }
        var credentials = UpstreamCredentials()
        credentials.bearerToken = try secret(bearerTokenEnv, "--bearer-token-env")
        if let basic = try secret(basicAuthEnv, "--basic-auth-env") {
            guard let colon = basic.firstIndex(of: ":") else { throw ValidationError("--basic-auth-env: the value must be 'user:password'") }
            credentials.basic = (String(basic[..<colon]), String(basic[basic.index(after: colon)...]))
        }
        if let key = try secret(apiKeyEnv, "--api-key-env") { credentials.apiKeys["*"] = key }
        if let clientID = oauth2ClientId {
            guard let clientSecret = try secret(oauth2ClientSecretEnv, "--oauth2-client-secret-env") else {
                throw ValidationError("--oauth2-client-id needs --oauth2-client-secret-env")
            }
            credentials.clientCredentials = OAuth2ClientCredentials(tokenURL: oauth2TokenUrl, clientID: clientID, clientSecret: clientSecret, scopes: oauth2Scope)
        }
        for line in header {
            guard let colon = line.firstIndex(of: ":") else { throw ValidationError("--header '\(line)': expected 'Name: value'") }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let raw = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch EnvironmentSubstitution(environment: environment).substitute(raw) {
            case .success(let value): credentials.headers.append((name, value))
            case .failure(let missing): throw ValidationError("--header \(name): environment variable \(missing.name) is not set")
            }
        }
        return credentials
    }
}
