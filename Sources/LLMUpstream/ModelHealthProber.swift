import Foundation
import GatewayCore
import Logging
import MCPCore
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import UpstreamHTTP

/// Active health checks: every group with `health_check` probes each of its instances at its
/// interval (the provider's model list, or the configured request) and marks it down after
/// `unhealthy_threshold` failures in a row, up again after `healthy_threshold` successes.
/// Runs until graceful shutdown.
public struct ModelHealthProber: Service {
    let groups: [ModelGroup]
    let pool: HTTP1ConnectionPool
    let logger: Logger

    init(groups: [ModelGroup], pool: HTTP1ConnectionPool, logger: Logger) {
        self.groups = groups.filter { $0.settings.health.probeInterval != nil }
        self.pool = pool
        self.logger = logger
    }

    /// Whether any group probes (no service is needed otherwise).
    public var isNeeded: Bool { !groups.isEmpty }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { tasks in
                for group in groups {
                    tasks.addTask { await probeLoop(group) }
                }
            }
        }
    }

    private func probeLoop(_ group: ModelGroup) async {
        guard let interval = group.settings.health.probeInterval else { return }
        while !Task.isCancelled {
            await withDiscardingTaskGroup { probes in
                for instance in group.instances {
                    probes.addTask {
                        let ok = await probe(instance, health: group.settings.health)
                        instance.probed(ok: ok)
                    }
                }
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }

    /// One probe: a 2xx answer within the probe timeout is a success.
    func probe(_ instance: ModelInstance, health: ModelHealthSettings) async -> Bool {
        let dialect = instance.dialect
        let path = health.probePath
            ?? (health.probeBody == nil ? dialect.modelsPath(baseURL: instance.baseURL) : dialect.path(for: .chatCompletions, baseURL: instance.baseURL))
        guard let url = instance.url(path) else { return false }
        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: "toolgate/\(GatewayVersion.current) health-check")
        dialect.addCredentials(instance.settings, to: &headers)
        var request = UpstreamRequest(method: .GET, url: url, headers: headers)
        if let body = health.probeBody {
            var object = (try? JSONParser().parse(body))?.objectValue ?? [:]
            object["model"] = .string(instance.settings.model)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = ByteBuffer(bytes: JSONValue.object(object).serializedBytes())
        }
        guard let (origin, target) = request.target else { return false }
        do {
            let head = HTTPRequestHead(version: .http1_1, method: request.method, uri: target, headers: request.headers)
            let response = try await pool.execute(
                head, body: request.body, origin: origin, deadline: .now() + TimeAmount(health.probeTimeout), maxBytes: 1 << 20
            )
            let ok = (200..<300).contains(response.head.status.code)
            if !ok { logger.debug("model health probe failed", metadata: ["instance": "\(instance.name)", "status": "\(response.head.status.code)"]) }
            return ok
        } catch {
            logger.debug("model health probe failed", metadata: ["instance": "\(instance.name)", "error": "\(error)"])
            return false
        }
    }
}
