// swift-tools-version: 6.1
import PackageDescription

/// A reference for the tool-call benchmark: a keep-alive HTTP/1.1 proxy written directly on
/// SwiftNIO, with no MCP work at all — what a Swift program on this machine reaches forwarding one
/// request, next to nginx `proxy_pass`. Not part of Toolgate's build.
let package = Package(
    name: "NIOProxy",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3")
    ],
    targets: [
        .executableTarget(
            name: "NIOProxy",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        )
    ]
)
