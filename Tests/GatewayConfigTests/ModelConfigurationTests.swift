import GatewayConfig
import GatewayCore
import Testing

/// The `models:` section: the keys of the issue's contract, defaults, and errors naming the field.
@Suite("Configuration file: models")
struct ModelConfigurationTests {
    func load(_ text: String, environment: [String: String] = [:]) throws(ConfigurationError) -> GatewayConfiguration {
        try ConfigurationLoader(environment: environment).load(bytes: Array(text.utf8), file: "/etc/toolgate/gw.yaml")
    }

    @Test("reads the contract's keys, with ${VAR} in the key; a models-only file needs no servers")
    func contract() throws {
        let configuration = try load(
            """
            models:
              - name: chat                      # what clients send as `model`
                aliases: [gpt-4o-mini]
                ttft_timeout: 2s
                timeout: 60s
                max_retries: 2
                fallback_on: [429, 500, 502, 503, 504, 529, timeout, connect]
                strategy: latency
                retry_budget: 20s
                health_check: { interval: 5s, timeout: 1s, unhealthy_threshold: 3, healthy_threshold: 2 }
                passive_health: { failures: 4, cooldown: 10s }
                stream: { on_disconnect: drain_for_accounting, max_duration: 5m, max_bytes: 1048576 }
                instances:
                  - name: primary
                    provider: openai
                    base_url: https://api.openai.com/v1
                    api_key: ${OPENAI_API_KEY}
                    model: gpt-4o-mini
                    weight: 3
                    priority: 0
                    requests_per_minute: 500
                    tokens_per_minute: 200000
                    price: { input: 0.15, cached_input: 0.075, output: 0.6 }
                    headers: { OpenAI-Organization: org-1 }
                  - { name: ds, provider: deepseek, base_url: "https://api.deepseek.com", model: deepseek-chat, priority: 1 }
            """, environment: ["OPENAI_API_KEY": "sk-test"]
        )
        #expect(configuration.servers.isEmpty)
        let group = try #require(configuration.models.first)
        #expect(group.name == "chat" && group.aliases == ["gpt-4o-mini"])
        #expect(group.ttftTimeout == .seconds(2) && group.timeout == .seconds(60) && group.maxRetries == 2 && group.retryBudget == .seconds(20))
        #expect(group.fallbackOn == FallbackTrigger.defaults)
        #expect(group.strategy == .latency)
        #expect(group.health.probeInterval == .seconds(5) && group.health.unhealthyThreshold == 3 && group.health.healthyThreshold == 2)
        #expect(group.health.ejectAfterFailures == 4 && group.health.cooldown == .seconds(10))
        #expect(group.stream.onDisconnect == .drainForAccounting && group.stream.maxDuration == .seconds(300) && group.stream.maxBytes == 1 << 20)
        let primary = group.instances[0]
        #expect(primary.provider == .openai && primary.apiKey == "sk-test" && primary.model == "gpt-4o-mini" && primary.weight == 3)
        #expect(primary.requestsPerMinute == 500 && primary.tokensPerMinute == 200_000)
        #expect(primary.price == ModelPrice(input: 0.15, cachedInput: 0.075, output: 0.6))
        #expect(primary.headers.map(\.name) == ["OpenAI-Organization"])
        #expect(group.instances[1].provider == .deepseek && group.instances[1].priority == 1 && group.instances[1].weight == 1)
    }

    @Test("each mistake is refused naming its field", arguments: [
        ("models:\n  - { name: chat }\n", "models[0]", "needs 'instances'"),
        ("models:\n  - { name: chat, instances: [{ name: a, provider: bedrock, base_url: 'http://x', model: m }] }\n", "models[0].instances[0].provider", "expected openai, deepseek, qwen, openai-compatible, anthropic, found 'bedrock'"),
        ("models:\n  - { name: chat, instances: [{ name: a, provider: openai, base_url: 'ftp://x', model: m }] }\n", "models[0].instances[0].base_url", "http or https URL"),
        ("models:\n  - { name: chat, instances: [{ name: a, provider: openai, base_url: 'http://x' }] }\n", "models[0].instances[0]", "needs 'model'"),
        ("models:\n  - { name: chat, fallback_on: [200], instances: [{ name: a, provider: openai, base_url: 'http://x', model: m }] }\n", "models[0].fallback_on[0]", "400...599"),
        ("models:\n  - { name: chat, strategy: random, instances: [{ name: a, provider: openai, base_url: 'http://x', model: m }] }\n", "models[0].strategy", "weighted-round-robin, least-busy, latency, cost"),
        ("models:\n  - { name: chat, strategy: cost, instances: [{ name: a, provider: openai, base_url: 'http://x', model: m }] }\n", "models[0].strategy", "needs a 'price'"),
        ("models:\n  - { name: chat, stream: { on_disconnect: ignore }, instances: [{ name: a, provider: openai, base_url: 'http://x', model: m }] }\n", "models[0].stream.on_disconnect", "cancel_upstream or drain_for_accounting"),
        ("models:\n  - { name: chat, ttl: 3, instances: [] }\n", "models[0].ttl", "unknown field 'ttl'"),
        ("models:\n  - { name: chat, instances: [{ name: a, provider: openai, base_url: 'http://x', model: m, headers: { Authorization: x } }] }\n", "models[0].instances[0].headers.Authorization", "use 'api_key'"),
        ("models:\n  - { name: a, instances: [{ name: a, provider: openai, base_url: 'http://x', model: m }] }\n  - { name: b, aliases: [a], instances: [{ name: a, provider: openai, base_url: 'http://x', model: m }] }\n", "models[1]", "'a' is used twice"),
        ("models:\n  - { name: 'two words', instances: [{ name: a, provider: openai, base_url: 'http://x', model: m }] }\n", "models[0].name", "not a valid model name"),
    ])
    func refusals(text: String, field: String, message: String) {
        do {
            _ = try load(text)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.field == field, "\(error)")
            #expect(error.message.contains(message), "\(error.message)")
        }
    }
}
