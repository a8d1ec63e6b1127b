import Foundation
import GatewayConfig
import GatewayCore
import Testing

/// `store:` and `policies:`: the contract's keys, paths relative to the file, errors naming the field.
@Suite("Configuration file: store and policies")
struct PolicyConfigurationTests {
    static let models = "models:\n  - { name: chat, instances: [{ name: a, provider: openai, base_url: 'http://127.0.0.1:9/v1', model: m }] }\n"

    func load(_ text: String, environment: [String: String] = [:]) throws(ConfigurationError) -> GatewayConfiguration {
        try ConfigurationLoader(environment: environment).load(bytes: Array((Self.models + text).utf8), file: "/etc/toolgate/gw.yaml")
    }

    @Test("reads the contract: the store relative to the file, guard rules, redaction kinds and the audit's settings")
    func contract() throws {
        let configuration = try load(
            """
            store: sqlite:./toolgate.db               # relative to the configuration file
            policies:
              guard:
                deny: ["(?i)internal use only"]        # any message text or tool argument that matches
              redact: [email, phone, card, iban, api_key, credit_card, { pattern: "EMP-\\\\d{6}" }]
              audit: { payloads: true, durability: batch, chain_key: "${KEY}", retention: 30d, max_records: 1000, max_bytes: 1073741824 }
            """,
            environment: ["KEY": "k3y"]
        )
        let policies = configuration.policies
        #expect(policies.store == "/etc/toolgate/toolgate.db")
        #expect(policies.guardDeny == ["(?i)internal use only"] && policies.guardAllow.isEmpty)
        #expect(policies.redact == ["email", "phone", "card", "iban", "api_key"] && policies.redactPatterns == ["EMP-\\d{6}"])
        #expect(policies.audit?.payloads == true && policies.audit?.chainKey == "k3y" && policies.audit?.maxRecords == 1000 && policies.audit?.maxBytes == 1 << 30)
        #expect(policies.audit?.maxAge == .seconds(30 * 86_400) && policies.audit?.durableBeforeAnswer == false)
        #expect(policies.auditsCalls)
        #expect(try !load("").policies.auditsCalls, "no store and no audit section: nothing is audited")
    }

    @Test("a store above a file named by a relative path stays relative to the working directory, not the root")
    func relativeFolder() throws {
        let loader = ConfigurationLoader(environment: [:])
        let cwd = FileManager.default.currentDirectoryPath
        let nested = try loader.load(bytes: Array((Self.models + "store: sqlite:../toolgate.db\n").utf8), file: "examples/toolgate.yaml")
        #expect(nested.policies.store == (cwd as NSString).appendingPathComponent("toolgate.db"))
        let here = try loader.load(bytes: Array((Self.models + "store: sqlite:audit/t.db\n").utf8), file: "toolgate.yaml")
        #expect(here.policies.store == (cwd as NSString).appendingPathComponent("audit/t.db"))
    }

    @Test("moderation: an OpenAI-compatible endpoint or a webhook, its timeout, failure mode, stages and thresholds")
    func moderation() throws {
        let openAI = try #require(
            try load(
                """
                policies:
                  moderation: { url: "https://api.openai.com/v1/moderations", api_key: "${KEY}", model: omni-moderation-latest,
                                timeout: 1500ms, fail: open, on: [request, response], thresholds: { violence: 0.5, hate: 1 }, stream_every: 200 }
                """,
                environment: ["KEY": "sk-m"]
            ).policies.moderation
        )
        #expect(openAI.kind == .openai && openAI.apiKey == "sk-m" && openAI.model == "omni-moderation-latest" && openAI.timeout == .milliseconds(1500))
        #expect(openAI.failOpen && openAI.requests && openAI.responses && openAI.thresholds == ["violence": 0.5, "hate": 1] && openAI.streamWindow == 200)
        let webhook = try #require(try load("policies:\n  moderation: { url: 'http://127.0.0.1:9/hook', kind: webhook }\n").policies.moderation)
        #expect(webhook.kind == .webhook && !webhook.failOpen && webhook.requests && !webhook.responses && webhook.timeout == .seconds(2))
    }

    @Test("upstream redaction names its servers and models; the access log goes to stderr or a file beside the configuration; metrics can be turned off")
    func upstreamRedactionAndAccessLog() throws {
        let configuration = try load(
            """
            http: { access_log: logs/access.log }
            policies:
              redact: [email]
              redact_upstream: { servers: [clinic], restore: true }
            """
        )
        let redaction = try #require(configuration.policies.redactUpstream)
        #expect(redaction.servers == ["clinic"] && redaction.models == nil && redaction.restore)
        #expect(configuration.http.accessLog == "/etc/toolgate/logs/access.log")
        #expect(try load("http: { access_log: stderr }\n").http.accessLog == "stderr")
        #expect(try load("").http.accessLog == nil)
        #expect(try load("").metricsEnabled && !load("metrics: { enabled: false }\n").metricsEnabled)
        #expect(try load("").tracing == nil)
        let tracing = try load("tracing: { endpoint: 'http://otel:4318/v1/traces', protocol: http/json, service_name: gw, sample_ratio: 0.25, export_delay: 1s }\n").tracing
        #expect(tracing == TracingSettings(endpoint: "http://otel:4318/v1/traces", wireProtocol: .httpJSON, serviceName: "gw", sampleRatio: 0.25, exportDelay: .seconds(1)))
        #expect(try load("tracing: {}\n").tracing == TracingSettings())
    }

    @Test("each mistake is refused naming its field")
    func mistakes() throws {
        let cases: [(String, String)] = [
            ("store: postgres://db/audit\n", "expected sqlite:PATH"),
            ("store: 'sqlite:'\n", "sqlite: needs a file path"),
            ("policies:\n  guard: { deny: ['(unclosed'] }\n", "policies.guard.deny[0]"),
            ("policies:\n  redact: [email, passport]\n", "'passport' is not a redaction kind"),
            ("policies:\n  redact: [{ regex: x }]\n", "unknown field 'regex'"),
            ("policies:\n  audit: { payload: true }\n", "unknown field 'payload'"),
            ("policies:\n  audit: { durability: eventually }\n", "expected answer"),
            ("policies:\n  audit: { max_bytes: 4096 }\n", "policies.audit.max_bytes"),
            ("policies:\n  moderation: {}\n", "'url' is required"),
            ("policies:\n  moderation: { url: 'ftp://x/m' }\n", "expected an http or https URL"),
            ("policies:\n  moderation: { url: 'http://x/m', fail: maybe }\n", "expected open or closed"),
            ("policies:\n  moderation: { url: 'http://x/m', on: [output] }\n", "expected request or response"),
            ("policies:\n  moderation: { url: 'http://x/m', thresholds: { hate: 2 } }\n", "between 0 and 1"),
            ("policies:\n  moderate: {}\n", "unknown field 'moderate'"),
            ("policies:\n  redact_upstream: { restore: true }\n", "list the kinds there"),
            ("tracing: { endpoint: 'localhost:4318' }\n", "tracing.endpoint"),
            ("tracing: { protocol: grpc }\n", "expected http/protobuf or http/json"),
            ("tracing: { sample_ratio: 2 }\n", "from 0 to 1"),
            ("tracing: { exporter: otlp }\n", "unknown field 'exporter'"),
        ]
        for (text, expected) in cases {
            do {
                _ = try load(text)
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.description.contains(expected), "\(text) → \(error.description)")
            }
        }
    }
}
