import Foundation
import GatewayConfig
import Testing

/// The configuration file: fields, `${VAR}`, and errors that name file, line and field.
@Suite("Configuration file")
struct ConfigurationLoaderTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let demoSpec = repository.appendingPathComponent("specs/demo-api.yaml").path

    func load(_ text: String, environment: [String: String] = [:]) throws(ConfigurationError) -> GatewayConfiguration {
        try ConfigurationLoader(environment: environment).load(bytes: Array(text.utf8), file: "/etc/toolgate/gw.yaml")
    }

    func failure(_ text: String, environment: [String: String] = [:]) -> ConfigurationError? {
        do {
            _ = try load(text, environment: environment)
            return nil
        } catch {
            return error
        }
    }

    @Test("reads listen, http limits and a server with its import, auth and overrides, substituting ${VAR}")
    func fullServer() throws {
        let configuration = try load(
            """
            listen: 0.0.0.0:9090
            http:
              allowed_origins: [https://app.example.com]
              max_sessions: 50
              session_idle_timeout: 15m
              header_timeout: 10s
              body_timeout: 20s
              keepalive_timeout: 30s
              max_connections: 500
            servers:
              - name: pets
                page_size: 20
                discovery: off
                openapi:
                  spec: \(Self.demoSpec)
                  base_url: ${API_URL}
                  include: { tags: [pets], methods: [GET] }
                  exclude: { operations: ["delete*"] }
                  auth: { bearer: "${TOKEN}", api_key: { ClinicKey: "k-${TOKEN}" } }
                  headers: { X-Tenant: "${TENANT:-acme}" }
                  forward_headers: [X-Request-Id, { from: X-User, to: X-Upstream-User }]
                  timeout: 500ms
                  tools:
                    getPet: { name: fetch_pet, fixed_arguments: { branch: "${TENANT:-acme}" } }
            """,
            environment: ["API_URL": "http://127.0.0.1:9000", "TOKEN": "s3cret"]
        )
        #expect(configuration.host == "0.0.0.0" && configuration.port == 9090)
        #expect(configuration.http.allowedOrigins == ["https://app.example.com"])
        #expect(configuration.http.maxSessions == 50 && configuration.http.sessionIdleTimeout == 900)
        #expect(configuration.http.headerTimeout == 10 && configuration.http.bodyTimeout == 20 && configuration.http.keepAliveTimeout == 30)
        #expect(configuration.http.maxConnections == 500)
        let server = try #require(configuration.server(named: "pets"))
        #expect(server.pageSize == 20 && server.discovery == .off)
        let source = try #require(server.openAPI)
        #expect(source.importOptions.baseURL == "http://127.0.0.1:9000")
        #expect(source.importOptions.selection.includeTags == ["pets"] && source.importOptions.selection.methods == ["GET"])
        #expect(source.importOptions.selection.excludeOperations == ["delete*"])
        #expect(source.credentials.bearerToken == "s3cret" && source.credentials.apiKeys["ClinicKey"] == "k-s3cret")
        #expect(source.credentials.headers.first?.value == "acme")
        #expect(source.credentials.passthrough.map(\.name) == ["X-Request-Id", "X-User"])
        #expect(source.credentials.passthrough.last?.renameTo == "X-Upstream-User")
        #expect(source.timeout == 0.5)
        #expect(source.importOptions.overrides["getPet"]?.name == "fetch_pet")
        #expect(source.importOptions.overrides["getPet"]?.fixedArguments["branch"] == "acme")
    }

    @Test("relative spec paths are read from the configuration file's folder")
    func relativeSpec() throws {
        let folder = Self.repository.appendingPathComponent("examples").path
        let configuration = try ConfigurationLoader(environment: [:]).load(path: folder + "/toolgate.yaml")
        #expect(configuration.servers.map(\.name) == ["clinic"])
        #expect(FileManager.default.fileExists(atPath: configuration.servers[0].openAPI?.spec ?? ""))
        #expect(configuration.servers[0].openAPI?.importOptions.baseURL == "http://127.0.0.1:8081", "the ${VAR:-default} default")
    }

    @Test("a typo is an unknown field with its line, column, path and a suggestion")
    func unknownField() throws {
        let error = try #require(failure("servers:\n  - name: pets\n    openapi:\n      spec: \(Self.demoSpec)\n      base_ur: http://x\n"))
        #expect(error.code == .unknownField)
        #expect(error.line == 5 && error.column == 7)
        #expect(error.field == "servers[0].openapi.base_ur")
        #expect(error.message.contains("did you mean 'base_url'"))
        #expect(error.description.hasPrefix("/etc/toolgate/gw.yaml:5:7: servers[0].openapi.base_ur: unknown field"))
    }

    @Test("every problem of the file is reported in one run, in file order")
    func allProblems() throws {
        let text = """
            listen: 127.0.0.1:99999
            servers:
              - name: a
                spec: x.yaml
                bogus: 1
              - name: b
                openapi: {spec: \(Self.demoSpec)}
                timeout: banana
            frobnicate: true
            """
        let error = try #require(failure(text))
        let all = [error] + error.others
        #expect(all.map(\.field) == ["listen", "servers[0].spec", "servers[0].bogus", "servers[1].timeout", "frobnicate"])
        #expect(all.map(\.line) == [1, 4, 5, 8, 9])
        #expect(error.description.hasSuffix("(5 problems)"))
        #expect(error.description.split(separator: "\n").count == 6)
    }

    @Test("a missing environment variable names the variable, the field and the line")
    func missingEnvironment() throws {
        let error = try #require(failure("servers:\n  - name: pets\n    openapi:\n      spec: \(Self.demoSpec)\n      auth:\n        bearer: ${PETS_TOKEN}\n"))
        #expect(error.code == .missingEnvironment)
        #expect(error.line == 6)
        #expect(error.field == "servers[0].openapi.auth.bearer")
        #expect(error.message.contains("PETS_TOKEN"))
    }

    @Test("a variable's value never changes the file's structure, and $${ stays literal")
    func substitutionIsPerValue() throws {
        let configuration = try load(
            "servers:\n  - name: pets\n    openapi:\n      spec: \(Self.demoSpec)\n      headers: { X-A: \"${EVIL}\", X-B: \"$${HOME}\" }\n",
            environment: ["EVIL": "x\n  bearer: stolen"]
        )
        let headers = try #require(configuration.servers[0].openAPI).credentials.headers
        #expect(headers.map(\.value) == ["x\n  bearer: stolen", "${HOME}"])
        #expect(configuration.servers[0].openAPI?.credentials.bearerToken == nil)
    }

    @Test("wrong types, bad names, duplicates, missing files and bad YAML are refused with their place")
    func refusals() throws {
        let spec = Self.demoSpec
        let cases: [(String, ConfigurationError.Code, Int?)] = [
            ("servers:\n  - name: pets\n    page_size: lots\n    openapi: { spec: \(spec) }\n", .invalidValue, 3),
            ("servers:\n  - name: 'pets/v1'\n    openapi: { spec: \(spec) }\n", .invalidValue, 2),
            ("servers:\n  - { name: a, openapi: { spec: \(spec) } }\n  - { name: a, openapi: { spec: \(spec) } }\n", .invalidValue, 3),
            ("servers:\n  - name: pets\n    openapi: { spec: does-not-exist.yaml }\n", .invalidValue, 3),
            ("servers:\n  - name: pets\n", .missingField, 2),
            ("listen: localhost\nservers: []\n", .invalidValue, 1),
            ("servers:\n  - name: files\n    stdio: { command: python3 }\n", .invalidValue, 3),
            ("allowed_commands: [python3]\nservers:\n  - name: files\n    stdio: { command: python3, mode: per-child }\n", .invalidValue, 4),
            ("servers:\n  - name: wiki\n    url: ftp://wiki.example.com/mcp\n", .invalidValue, 3),
            ("servers:\n  - name: wiki\n    url: { endpoint: 'https://w.example/mcp', transport: websocket }\n", .invalidValue, 3),
            ("servers:\n  - name: wiki\n    url: { endpoint: 'https://w.example/mcp', headers: { Mcp-Session-Id: x } }\n", .invalidValue, 3),
            ("servers:\n  - name: wiki\n    url: { endpoint: 'https://w.example/mcp', bearer_token: t, headers: { authorization: x } }\n", .invalidValue, 3),
            ("servers:\n  - name: wiki\n    url: { headers: {} }\n", .missingField, 3),
            ("servers:\n  - name: both\n    url: https://w.example/mcp\n    openapi: { spec: \(spec) }\n", .invalidValue, 2),
            ("servers:\n  - name: agg\n    url: https://w.example/mcp\n    sources: []\n", .invalidValue, 3),
            ("servers:\n  - name: agg\n    sources: []\n", .missingField, 3),
            ("servers:\n  - name: agg\n    sources:\n      - { name: a, url: 'https://w.example/mcp' }\n      - { name: a, url: 'https://x.example/mcp' }\n", .invalidValue, 5),
            ("servers:\n  - name: agg\n    sources:\n      - { name: 'a b', url: 'https://w.example/mcp' }\n", .invalidValue, 4),
            ("servers:\n  - name: agg\n    sources:\n      - { name: a, sources: [] }\n", .unknownField, 4),
            ("store: {}\nservers:\n  - { name: a, openapi: { spec: \(spec) } }\n", .invalidValue, 1),
            ("store: postgres://db/audit\nservers:\n  - { name: a, openapi: { spec: \(spec) } }\n", .invalidValue, 1),
            ("policies:\n  guard: { deny: ['(unclosed'] }\nservers:\n  - { name: a, openapi: { spec: \(spec) } }\n", .invalidValue, 2),
            ("policies:\n  redact: [email, passport]\nservers:\n  - { name: a, openapi: { spec: \(spec) } }\n", .invalidValue, 2),
            ("policies:\n  audit: { payload: true }\nservers:\n  - { name: a, openapi: { spec: \(spec) } }\n", .unknownField, 2),
            ("servers: [\n  - name\n", .syntax, nil),
            ("", .missingField, nil),
        ]
        for (text, code, line) in cases {
            let error = try #require(failure(text), "accepted: \(text)")
            #expect(error.code == code, "\(text) → \(error)")
            if let line { #expect(error.line == line, "\(text) → \(error)") }
        }
        let syntax = try #require(failure("servers: [\n  - name\n"))
        #expect(syntax.message.contains("line"))
    }

    @Test("a stdio server needs its command in allowed_commands, and reads args, env, cwd and call_timeout")
    func stdioServer() throws {
        let configuration = try load(
            """
            allowed_commands: [python3]
            servers:
              - name: time
                stdio: { command: python3, args: [-m, mcp_server_time], env: { TZ: "${ZONE:-UTC}" }, cwd: work, call_timeout: 5s }
            """
        )
        guard case .stdio(let source) = configuration.servers[0].source else {
            Issue.record("not a stdio source")
            return
        }
        #expect(source.command == "python3" && source.arguments == ["-m", "mcp_server_time"])
        #expect(source.environment == ["TZ": "UTC"] && source.workingDirectory == "/etc/toolgate/work" && source.callTimeout == 5)
        let refused = try #require(failure("allowed_commands: [node]\nservers:\n  - name: t\n    stdio: { command: python3 }\n"))
        #expect(refused.field == "servers[0].stdio.command" && refused.message.contains("not in allowed_commands"))
    }

    @Test("a remote server: a bare URL, or endpoint, headers, bearer token (from the environment), transport and call_timeout")
    func remoteServer() throws {
        let configuration = try load(
            """
            servers:
              - name: wiki
                url: https://wiki.example.com/mcp
              - name: docs
                url:
                  endpoint: http://127.0.0.1:9100/sse
                  headers: { X-Team: tools }
                  bearer_token: ${DOCS_TOKEN}
                  transport: sse
                  call_timeout: 2m
            """, environment: ["DOCS_TOKEN": "s3cret"]
        )
        guard case .remote(let wiki) = configuration.servers[0].source, case .remote(let docs) = configuration.servers[1].source else {
            Issue.record("not remote sources")
            return
        }
        #expect(wiki.url.absoluteString == "https://wiki.example.com/mcp" && wiki.transport == .auto && wiki.headers.isEmpty && wiki.callTimeout == 60)
        #expect(docs.url.absoluteString == "http://127.0.0.1:9100/sse" && docs.transport == .sse && docs.callTimeout == 120)
        #expect(docs.headers.map { "\($0.name): \($0.value)" } == ["X-Team: tools", "Authorization: Bearer s3cret"])
    }

    @Test("an aggregate server lists named sources of every kind")
    func aggregateServer() throws {
        let configuration = try load(
            """
            allowed_commands: [python3]
            servers:
              - name: all
                sources:
                  - { name: clinic, openapi: { spec: \(Self.demoSpec) } }
                  - { name: time, stdio: { command: python3, args: [-m, mcp_server_time], mode: per-session } }
                  - { name: wiki, url: https://wiki.example.com/mcp }
            """
        )
        guard case .aggregate(let members) = configuration.servers[0].source else {
            Issue.record("not an aggregate")
            return
        }
        #expect(members.map(\.name) == ["clinic", "time", "wiki"])
        guard case .openAPI = members[0].source, case .stdio(let stdio) = members[1].source, case .remote = members[2].source else {
            Issue.record("wrong member kinds")
            return
        }
        #expect(stdio.perSession)
        let typo = try #require(failure("servers:\n  - name: agg\n    sources:\n      - { name: a, url: 'https://w.example/mcp', stdio: { command: x } }\n"))
        #expect(typo.message.contains("one source") && typo.line == 4)
    }
}
