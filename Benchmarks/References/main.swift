import NIOCore
import NIOHTTP1
import NIOPosix
import OpenAPIImport

// References for the tool-call benchmark, next to nginx `proxy_pass` (Benchmarks/toolcall.sh):
//   BenchmarkReferences forward LISTEN_PORT UPSTREAM_PORT
//     a keep-alive HTTP/1.1 proxy on SwiftNIO with no MCP work at all: what a Swift program
//     reaches on this machine forwarding one request;
//   BenchmarkReferences fused LISTEN_PORT UPSTREAM_PORT SPEC
//     the least work an MCP tool call of an OpenAPI operation needs (headers checked, JSON-RPC
//     parsed, arguments validated, request built, answer mapped and encoded, with Toolgate's own
//     parser, validator and builder), done inline in channel handlers: no router, no task, no
//     pool, no session engine, no policies — the bound for any design of the request path.
// Neither is part of Toolgate.
let arguments = CommandLine.arguments
guard arguments.count >= 4, let listenPort = Int(arguments[2]), let upstreamPort = Int(arguments[3]) else {
    fatalError("usage: BenchmarkReferences forward|fused LISTEN_PORT UPSTREAM_PORT [SPEC]")
}
let makeHandler: @Sendable () -> any ChannelHandler
switch arguments[1] {
case "forward":
    makeHandler = { ForwardingHandler(upstream: UpstreamLink(port: upstreamPort)) }
case "fused" where arguments.count == 5:
    let tools = FusedToolCallHandler.Tools(
        imported: try OpenAPIImporter().importDocument(path: arguments[4]), baseURL: "http://127.0.0.1:\(upstreamPort)"
    )
    makeHandler = { FusedToolCallHandler(tools: tools, upstream: UpstreamLink(port: upstreamPort)) }
default:
    fatalError("usage: BenchmarkReferences forward|fused LISTEN_PORT UPSTREAM_PORT [SPEC]")
}

let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
    .serverChannelOption(.backlog, value: 1024)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withPipeliningAssistance: true, withServerUpgrade: nil, withErrorHandling: true, withOutboundHeaderValidation: false
            )
            try channel.pipeline.syncOperations.addHandler(makeHandler())
        }
    }
    .bind(host: "127.0.0.1", port: listenPort)
    .get()
try await server.closeFuture.get()
