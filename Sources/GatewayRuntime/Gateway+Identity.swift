import AsyncHTTPClient
import Foundation
import GatewayConfig
import GatewayCore
import GatewayPolicy
import NIOCore
import ServiceLifecycle

extension Gateway {
    /// The policies that know who calls and what they may do, in their fixed order:
    /// authenticate → grants → limits (then the caller's own policies, then the provider).
    /// `carrying` keeps a previous build's counters and settlement queue (a reload).
    static func identityPolicies(
        _ configuration: GatewayConfiguration, client: HTTPClient, carrying: (store: any RateLimitStore, settlements: SettlementQueue)? = nil
    ) throws -> (chain: PolicyChain, authenticator: Authenticator?, services: [any Service], limits: LimitsPolicy?) {
        guard configuration.identity.isConfigured else { return (PolicyChain(), nil, [], nil) }
        let directory = ConsumerDirectory(configuration.identity)
        let authenticator: Authenticator
        do {
            authenticator = try Authenticator(directory: directory) { url in
                let response = try await client.execute(HTTPClientRequest(url: url.absoluteString), timeout: .seconds(5))
                guard response.status == .ok else { throw GatewayError(.upstream, "the JWKS URL answered \(response.status.code)") }
                return Array(buffer: try await response.body.collect(upTo: 1 << 20))
            }
        } catch {
            throw GatewayStartupError(.invalidConfiguration, "auth.jwt: \(error.message)", underlying: error)
        }
        let limits = LimitsPolicy(directory, store: carrying?.store ?? InMemoryRateLimitStore(), settlements: carrying?.settlements ?? SettlementQueue())
        let chain = PolicyChain([AuthenticationPolicy(authenticator), GrantsPolicy(directory), limits])
        return (chain, authenticator, [limits.settlements], limits)
    }
}
