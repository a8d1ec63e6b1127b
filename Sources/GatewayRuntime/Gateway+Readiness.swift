import GatewayCore
import MCPCore

extension Gateway {
    /// Whether one server can serve: its tool count, or why it cannot.
    public struct ServerReadiness: Sendable {
        public var name: String
        /// Tools listed; nil for servers whose children start per session (nothing to ask yet).
        public var tools: Int?
        /// Why the server cannot serve (a child that cannot start, a remote server that refuses).
        public var problem: String?
    }

    /// Asks every server for its tools: imported documents answer from memory; a shared stdio
    /// child or a remote MCP server is started or asked, so one that cannot start is reported
    /// with its reason (the child's last stderr lines) instead of "ready". Servers are asked
    /// together; one that has not answered within `timeout` is reported as not answering.
    public func readiness(timeout: Duration = .seconds(10)) async -> [ServerReadiness] {
        await Self.readiness(of: servers, timeout: timeout)
    }

    static func readiness(of servers: [AssembledServer], timeout: Duration) async -> [ServerReadiness] {
        await withTaskGroup(of: (Int, ServerReadiness).self) { group in
            for (index, server) in servers.enumerated() {
                group.addTask {
                    guard server.perSession == nil else { return (index, ServerReadiness(name: server.name)) }
                    return (index, await Self.ask(server, timeout: timeout))
                }
            }
            var found = [ServerReadiness?](repeating: nil, count: servers.count)
            for await (index, readiness) in group { found[index] = readiness }
            return found.compactMap { $0 }
        }
    }

    private static func ask(_ server: AssembledServer, timeout: Duration) async -> ServerReadiness {
        await withTaskGroup(of: ServerReadiness?.self) { race in
            race.addTask {
                do throws(GatewayError) {
                    return ServerReadiness(name: server.name, tools: try await server.provider.tools().count)
                } catch {
                    return ServerReadiness(name: server.name, problem: error.message)
                }
            }
            race.addTask {
                try? await Task.sleep(for: timeout)
                return Task.isCancelled ? nil : ServerReadiness(name: server.name, problem: "did not list its tools within \(timeout.components.seconds) s")
            }
            defer { race.cancelAll() }
            while let next = await race.next() {
                if let next { return next }
            }
            return ServerReadiness(name: server.name, problem: "was not asked")
        }
    }

    /// `/readyz`'s body: every server's tool count (or its problem) and the model groups.
    static func readinessBody(_ servers: [ServerReadiness], models: [String]) -> (ready: Bool, body: JSONValue) {
        var listed = JSONObject()
        for server in servers {
            if let problem = server.problem {
                listed[server.name] = ["error": .string(problem)]
            } else {
                listed[server.name] = server.tools.map { .int(Int64($0)) } ?? .null
            }
        }
        let ready = servers.allSatisfy { $0.problem == nil }
        return (ready, ["status": .string(ready ? "ready" : "not_ready"), "servers": .object(listed), "models": .array(models.map(JSONValue.string))])
    }
}
