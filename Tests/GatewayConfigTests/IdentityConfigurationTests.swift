import GatewayConfig
import GatewayCore
import Testing

/// `consumers:`, `groups:` and `auth:`: the contract's keys, keys kept as digests only, errors naming the field.
@Suite("Configuration file: consumers, groups, auth")
struct IdentityConfigurationTests {
    func load(_ text: String, environment: [String: String] = [:]) throws(ConfigurationError) -> GatewayConfiguration {
        try ConfigurationLoader(environment: environment).load(bytes: Array(text.utf8), file: "/etc/toolgate/gw.yaml")
    }

    static let aliceDigest = "8fe37735603b21746fc3c1ffd6d8f03e730b6af0a923fa3380bc36d19f852d3f"
    static let models = "models:\n  - { name: chat, instances: [{ name: a, provider: openai, base_url: 'http://127.0.0.1:9/v1', model: m }] }\n"

    @Test("reads the contract; an API key from ${VAR} is kept as its SHA-256 digest, a stored digest as it is")
    func contract() throws {
        let configuration = try load(
            Self.models + """
            consumers:
              - name: alice
                api_keys: ["${ALICE_KEY}", "sha256:2C26B46B68FFC68FF99B453C1D30413413422D706483BFA0F98A5E886266E7AE"]
                groups: [support]
                allow:                              # absent = everything
                  servers: [clinic]
                  tools: ["clinic/get*"]            # <server>/<tool glob>
                  models: [chat]
                limits:
                  - { requests: 100, per: 1m }       # tool calls and model calls together
                  - { tokens: 20000, per: 1h }       # total tokens of model calls
                  - { concurrent: 4 }
                  - { cost: 2.5, per: 1d }
                  - { requests: 5, per: 1m, tools: ["clinic/delete*"] }
            groups:
              - { name: support, limits: [{ requests: 1000, per: 1m }] }
            auth: { required: true, header: X-Gateway-Key, stdio_identity: alice, tool_rejections: result, tool_call_price: 0.001 }
            """, environment: ["ALICE_KEY": "sk-alice-0123456789abcdef"]
        )
        let identity = configuration.identity
        let alice = try #require(identity.consumers.first)
        // sha256("sk-alice-0123456789abcdef"), and the stored digest lower-cased.
        #expect(alice.apiKeyDigests == [Self.aliceDigest, "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"])
        #expect(!alice.apiKeyDigests[0].contains("alice"), "the key itself is not kept")
        #expect(alice.groups == ["support"] && alice.allow == Grants(servers: ["clinic"], tools: ["clinic/get*"], models: ["chat"]))
        #expect(alice.limits.map(\.measure) == [.requests, .tokens, .concurrent, .cost, .requests])
        #expect(alice.limits[0].window == .seconds(60) && alice.limits[1].window == .seconds(3600) && alice.limits[2].window == nil)
        #expect(alice.limits[4].tools == ["clinic/delete*"])
        #expect(identity.groups.first?.limits.first?.amount == 1000)
        #expect(identity.auth.required == true && identity.auth.header == "X-Gateway-Key" && identity.auth.stdioIdentity == "alice")
        #expect(identity.auth.toolRejections == .result && identity.auth.toolCallPrice == 0.001)
        #expect(identity.authenticationRequired)
    }

    @Test("each mistake is refused naming its field", arguments: [
        ("consumers:\n  - { name: a, api_keys: [short] }\n", "consumers[0].api_keys[0]", "at least 16 characters"),
        ("consumers:\n  - { name: a, api_keys: ['sha256:abc'] }\n", "consumers[0].api_keys[0]", "64 hex digits"),
        ("consumers:\n  - { name: a, api_keys: [sk-same-0123456789abc] }\n  - { name: b, api_keys: [sk-same-0123456789abc] }\n", "consumers[1].api_keys[0]", "also another consumer's"),
        ("consumers:\n  - { name: a, groups: [nope] }\n", "consumers[0].groups[0]", "no group 'nope'"),
        ("consumers:\n  - { name: a, limits: [{ requests: 5 }] }\n", "consumers[0].limits[0]", "'per' is required"),
        ("consumers:\n  - { name: a, limits: [{ requests: 5, tokens: 5, per: 1m }] }\n", "consumers[0].limits[0]", "exactly one of"),
        ("consumers:\n  - { name: a, limits: [{ concurrent: 2, per: 1m }] }\n", "consumers[0].limits[0].per", "no window"),
        ("consumers:\n  - { name: a, allow: { tool: [x] } }\n", "consumers[0].allow.tool", "did you mean 'tools'"),
        ("auth: { jwt: { issuer: x, audiences: [y], algorithms: [HS256], secret: short } }\n", "auth.jwt.secret", "at least 32 bytes"),
        ("auth: { jwt: { issuer: x, audiences: [y], algorithms: [RS256] } }\n", "auth.jwt", "'jwks_file' or 'jwks_url'"),
        ("auth: { jwt: { issuer: x, audiences: [y], algorithms: [none] } }\n", "auth.jwt.algorithms[0]", "HS256, RS256 or ES256"),
        ("auth: { jwt: { issuer: x, audiences: [] , jwks_file: /x } }\n", "auth.jwt.audiences", "at least one audience"),
        ("auth: { stdio_identity: ghost }\n", "auth", "not a configured consumer"),
    ])
    func refusals(text: String, field: String, message: String) {
        do {
            _ = try load(Self.models + text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.field == field, "\(error)")
            #expect(error.message.contains(message), "\(error.message)")
        }
    }
}
