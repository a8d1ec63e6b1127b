import Foundation
import Hummingbird
import Logging
import NIOCore

/// The demo pet clinic API (`specs/demo-api.yaml`), a real HTTP server for the quick start and tests.
public enum DemoAPIServer {
    static let species: Set<String> = ["dog", "cat", "bird", "rabbit"]

    /// Builds the router over a fresh clinic with three pets.
    public static func makeRouter() -> Router<BasicRequestContext> {
        let clinic = DemoClinic()
        let router = Router()
        router.get("/pets") { request, _ -> Response in
            let limit = request.uri.queryParameters.get("limit", as: Int.self) ?? 20
            let species = request.uri.queryParameters.get("species")
            guard (1...100).contains(limit) else { return try problem(.badRequest, "limit must be between 1 and 100") }
            if let species, !Self.species.contains(species) { return try problem(.badRequest, "unknown species '\(species)'") }
            let pets = await clinic.list(limit: limit, species: species, nameContains: request.uri.queryParameters.get("name_contains"))
            return try json(DemoPetList(pets: pets, total: pets.count))
        }
        router.post("/pets") { request, context -> Response in
            let input = try await request.decode(as: DemoPetInput.self, context: context)
            if let error = validate(input) { return try problem(.badRequest, error) }
            return try json(await clinic.add(input), status: .created)
        }
        router.get("/pets/:petId") { _, context -> Response in
            let id = try context.parameters.require("petId", as: Int.self)
            guard let pet = await clinic.get(id) else { return try problem(.notFound, "no pet with id \(id)") }
            return try json(pet)
        }
        router.put("/pets/:petId") { request, context -> Response in
            let id = try context.parameters.require("petId", as: Int.self)
            let input = try await request.decode(as: DemoPetInput.self, context: context)
            if let error = validate(input) { return try problem(.badRequest, error) }
            guard let pet = await clinic.update(id, with: input) else { return try problem(.notFound, "no pet with id \(id)") }
            return try json(pet)
        }
        router.delete("/pets/:petId") { _, context -> Response in
            let id = try context.parameters.require("petId", as: Int.self)
            guard await clinic.remove(id) else { return try problem(.notFound, "no pet with id \(id)") }
            return Response(status: .noContent)
        }
        router.get("/pets/:petId/visits") { _, context -> Response in
            let id = try context.parameters.require("petId", as: Int.self)
            guard let visits = await clinic.visits(of: id) else { return try problem(.notFound, "no pet with id \(id)") }
            return try json(DemoVisitList(visits: visits))
        }
        router.post("/pets/:petId/visits") { request, context -> Response in
            let id = try context.parameters.require("petId", as: Int.self)
            let input = try await request.decode(as: DemoVisitInput.self, context: context)
            let branch = request.headers.first(where: { $0.name.canonicalName == "x-clinic-branch" })?.value
            if let branch, !["north", "south"].contains(branch) { return try problem(.badRequest, "unknown branch '\(branch)'") }
            guard let visit = await clinic.schedule(petID: id, date: input.date, reason: input.reason, branch: branch) else {
                return try problem(.notFound, "no pet with id \(id)")
            }
            return try json(visit, status: .created)
        }
        router.get("/reports/summary") { request, _ -> Response in
            let delay = request.uri.queryParameters.get("delay_ms", as: Int.self) ?? 0
            guard (0...10_000).contains(delay) else { return try problem(.badRequest, "delay_ms must be between 0 and 10000") }
            if delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
            let pets = await clinic.list(limit: .max, species: nil, nameContains: nil)
            let counts = Dictionary(grouping: pets, by: \.species).mapValues(\.count)
            return try json(DemoSummary(total: pets.count, bySpecies: counts))
        }
        return router
    }

    /// Runs the demo API until the task is cancelled or the process gets SIGINT/SIGTERM.
    public static func run(host: String, port: Int, logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(host, port: port), serverName: "toolgate-demo-api"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
        try await app.runService()
    }

    private static func validate(_ input: DemoPetInput) -> String? {
        if input.name.isEmpty || input.name.count > 80 { return "name must be 1 to 80 characters" }
        if !species.contains(input.species) { return "unknown species '\(input.species)'" }
        if let age = input.age, age < 0 { return "age must not be negative" }
        return nil
    }

    private static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    private static func problem(_ status: HTTPResponse.Status, _ message: String) throws -> Response {
        try json(DemoError(error: message), status: status)
    }
}
