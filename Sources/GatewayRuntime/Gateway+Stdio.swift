import GatewayServer
import Logging
import MCPCore

extension Gateway {
    /// Serves one virtual server over stdin/stdout (for desktop clients) until the input ends,
    /// then stops every provider and client.
    public func serveStdio(server: AssembledServer) async {
        logger.info("serving tools over stdio", metadata: ["server": "\(server.name)", "source": "\(server.origin)"])
        let handler = server.handler(transport: "stdio", policies: policies)
        let logger = self.logger
        await StdioTransport(logger: logger).run { send in
            MCPServerSession(configuration: server.session, handler: handler, logger: logger, send: send)
        }
        await shutdown()
    }
}
