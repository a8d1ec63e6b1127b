import GatewayCore
import GatewayServer
import Logging
import MCPCore

extension Gateway {
    /// Serves one virtual server over stdin/stdout (for desktop clients) until the input ends,
    /// then stops every provider and client.
    public func serveStdio(server: AssembledServer) async {
        logger.info("serving tools over stdio", metadata: ["server": "\(server.name)", "source": "\(server.origin)"])
        // A desktop client has no key to send: stdio acts as the configured local identity.
        let identity = configuration.identity.auth.stdioIdentity.map { directory?.identity(named: $0) ?? Identity(consumer: $0, isAuthenticated: true) } ?? .anonymous
        let handler = server.handler(transport: "stdio", policies: policies, identity: identity)
        let logger = self.logger
        let services = self.services
        await withJobs {
            await withDiscardingTaskGroup { group in
                for service in services {
                    group.addTask { try? await service.run() }
                }
                await StdioTransport(logger: logger).run { send in
                    MCPServerSession(configuration: server.session, handler: handler, logger: logger, send: send)
                }
                group.cancelAll()
            }
        }
    }
}
