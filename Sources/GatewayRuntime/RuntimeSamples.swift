import GatewayCore
import GatewayPolicy
import MCPUpstream
import UpstreamHTTP

/// What `/metrics` reads of the running gateway at each scrape: model groups' calls waiting for
/// an answer, each instance's health and calls in flight, upstream connections per pool, open MCP
/// sessions per server, and how often upstream MCP servers' links were opened again.
enum RuntimeSamples {
    static func report(_ gateway: Gateway, endpoints: EndpointTable, to samples: GatewayMetrics.Samples) {
        for group in gateway.models?.observed ?? [] {
            let model = ("gen_ai_request_model", group.group)
            samples.gauge("model_calls_waiting", help: "Model calls waiting for an answer to begin (a stream's first chunk).", labels: [model], value: Double(group.waiting))
            for instance in group.instances {
                let labels = [model, ("toolgate_instance", instance.name)]
                samples.gauge(
                    "model_instance_healthy", help: "1 while the instance takes traffic (not ejected, not probed down), else 0.", labels: labels,
                    value: instance.healthy ? 1 : 0
                )
                samples.gauge("model_instance_in_flight", help: "Calls in flight on the instance.", labels: labels, value: Double(instance.inFlight))
            }
        }
        var pools = [("tools", HTTP1ConnectionPool.shared)]
        if let models = gateway.modelPool { pools.append(("models", models)) }
        for (name, pool) in pools {
            let connections = pool.connections
            let help = "Upstream connections open now, in use or idle, by pool."
            samples.gauge("upstream_connections", help: help, labels: [("pool", name), ("state", "in_use")], value: Double(connections.open - connections.idle))
            samples.gauge("upstream_connections", help: help, labels: [("pool", name), ("state", "idle")], value: Double(connections.idle))
        }
        for path in endpoints.paths {
            guard let slot = endpoints.existing(path) else { continue }
            let server = slot.server
            samples.gauge("mcp_sessions", help: "MCP sessions open now (streamable HTTP and legacy SSE).", labels: [("server", server.name)], value: Double(slot.transport.sessionCount))
            for (source, restarts) in linkRestarts(of: server.provider, prefix: "") {
                samples.counter(
                    "mcp_upstream_restarts", help: "Times an upstream MCP server's link was opened again (a stdio child restarted, a remote session reopened).",
                    labels: [("server", server.name), ("source", source)], total: restarts
                )
            }
        }
    }

    /// Each upstream MCP server of a provider (an aggregate's by source name) and its restarts.
    static func linkRestarts(of provider: any ToolProvider, prefix: String) -> [(String, Int)] {
        if let upstream = provider as? MCPUpstreamProvider { return [(prefix, upstream.restarts)] }
        guard let aggregate = provider as? AggregateToolProvider else { return [] }
        return aggregate.members.flatMap { linkRestarts(of: $0.provider, prefix: prefix.isEmpty ? $0.name : "\(prefix)/\($0.name)") }
    }
}
