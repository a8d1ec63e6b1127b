// swift-tools-version: 6.1
import PackageDescription

/// Micro-benchmarks of Toolgate's hot paths with ordo-one/benchmark, kept out of the main
/// package so the default build and test command never build them.
/// Run: cd Benchmarks/micro && swift package --disable-sandbox benchmark
let package = Package(
    name: "toolgate-micro",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../.."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "ToolgateMicro",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ToolgateEngine", package: "toolgate"),
            ],
            path: "Benchmarks/ToolgateMicro",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
