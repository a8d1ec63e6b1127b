import NIOCore
import NIOHTTP1
import NIOPosix

// Usage: NIOProxy LISTEN_PORT UPSTREAM_PORT — forwards every request to 127.0.0.1:UPSTREAM_PORT.
let arguments = CommandLine.arguments
guard arguments.count == 3, let listenPort = Int(arguments[1]), let upstreamPort = Int(arguments[2]) else {
    print("usage: NIOProxy LISTEN_PORT UPSTREAM_PORT")
    exit(2)
}

let group = MultiThreadedEventLoopGroup.singleton
let server = try await ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 1024)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withPipeliningAssistance: true, withServerUpgrade: nil, withErrorHandling: true, withOutboundHeaderValidation: false
            )
            try channel.pipeline.syncOperations.addHandler(ForwardingHandler(upstreamPort: upstreamPort))
        }
    }
    .bind(host: "127.0.0.1", port: listenPort)
    .get()
try await server.closeFuture.get()
