import Logging
import MCPCore
import Synchronization

/// Several tool sources behind one virtual server (OpenAPI documents, stdio children, remote
/// servers). Each source's tools are exposed as `source__tool` (`ToolNamespace`), calls are routed
/// back by name, and a change in any source's list is passed on. A source that fails to list its
/// tools is left out (and logged) rather than failing the whole list; the list is then not cached,
/// so the source is asked again next time.
public final class AggregateToolProvider: ToolProvider {
    /// One source: its name (the tool-name prefix), its provider, and whether this aggregate
    /// ends it at `shutdown` (a per-session child; shared sources belong to the server).
    public struct Member: Sendable {
        public var name: String
        public var provider: any ToolProvider
        public var owned: Bool

        public init(name: String, provider: any ToolProvider, owned: Bool) {
            self.name = name
            self.provider = provider
            self.owned = owned
        }
    }

    private struct Catalog: Sendable {
        var tools: [MCPTool]
        var routes: [String: (member: Int, tool: String)]
    }

    public let members: [Member]
    let logger: Logger
    let changes = ListChangeBroadcaster()
    private let catalog = Mutex<Catalog?>(nil)
    private let observations = Mutex<[ListChangeObservation]>([])
    /// Which source listed each resource URI.
    private let resourceOwners = Mutex<[String: Int]>([:])

    public init(members: [Member], logger: Logger) {
        self.members = members
        self.logger = logger
        let observed = members.compactMap { member in
            member.provider.observeListChanges { [weak self] change in
                guard let self else { return }
                if change == .tools { self.catalog.withLock { $0 = nil } }
                await self.changes.changed(change)
            }
        }
        observations.withLock { $0 = observed }
    }

    public func tools() async throws(GatewayError) -> [MCPTool] {
        try await currentCatalog().tools
    }

    public func call(_ call: ToolCall, context: CallContext) async throws(GatewayError) -> MCPToolResult {
        var route = catalog.withLock { $0?.routes[call.name] }
        if route == nil { route = try await currentCatalog().routes[call.name] }
        guard let route else { throw GatewayError(.unknownTool, "Unknown tool: '\(call.name)'") }
        var forwarded = call
        forwarded.name = route.tool
        return try await members[route.member].provider.call(forwarded, context: context)
    }

    public func observeListChanges(_ observer: @escaping ListChangeBroadcaster.Observer) -> ListChangeObservation? {
        changes.observe(observer)
    }

    /// Stops observing the sources, and ends the owned ones.
    public func shutdown() async {
        for observation in observations.withLock({ $0 }) { observation.cancel() }
        for member in members where member.owned { await member.provider.shutdown() }
    }

    func remember(uri: String, member: Int) {
        resourceOwners.withLock { $0[uri] = member }
    }

    func resourceOwner(_ uri: String) -> Int? {
        resourceOwners.withLock { $0[uri] }
    }

    /// The tools of every source, failing with the first source that cannot list its own (for
    /// `toolgate check`, where a partial list would hide a broken source).
    public func toolsOfEverySource() async throws(GatewayError) -> [MCPTool] {
        let (built, failures) = await build()
        if let first = failures.first { throw first }
        catalog.withLock { $0 = built }
        return built.tools
    }

    private func currentCatalog() async throws(GatewayError) -> Catalog {
        if let cached = catalog.withLock({ $0 }) { return cached }
        let (built, failures) = await build()
        if failures.count == members.count, let first = failures.first { throw first }
        if failures.isEmpty { catalog.withLock { $0 = built } }
        return built
    }

    /// Asks every source for its tools at once; the catalog of those that answered, and the
    /// failures of those that did not (each naming its source).
    private func build() async -> (Catalog, [GatewayError]) {
        let lists = await withTaskGroup(of: (Int, Result<[MCPTool], GatewayError>).self) { group in
            for (index, member) in members.enumerated() {
                group.addTask {
                    do throws(GatewayError) {
                        return (index, .success(try await member.provider.tools()))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var lists = [Result<[MCPTool], GatewayError>](repeating: .success([]), count: members.count)
            for await (index, list) in group { lists[index] = list }
            return lists
        }
        var built = Catalog(tools: [], routes: [:])
        var failures: [GatewayError] = []
        for (index, list) in lists.enumerated() {
            switch list {
            case .failure(let error):
                logger.warning("a source of an aggregate server could not list its tools", metadata: ["source": "\(members[index].name)", "error": "\(error.message)"])
                failures.append(GatewayError(error.code, "source '\(members[index].name)': \(error.message)"))
            case .success(let tools):
                for tool in tools {
                    var exposed = tool
                    exposed.name = ToolNamespace.name(source: members[index].name, tool: tool.name)
                    guard built.routes[exposed.name] == nil else {
                        logger.warning("two tools got the same exposed name; the second is left out", metadata: ["name": "\(exposed.name)"])
                        continue
                    }
                    built.routes[exposed.name] = (index, tool.name)
                    built.tools.append(exposed)
                }
            }
        }
        return (built, failures)
    }
}
