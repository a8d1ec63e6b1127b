import Hummingbird
import Synchronization

/// The listener's responder, which a reload replaces with the next configuration's route table:
/// each request is answered by the table current when it arrives; requests and streams already
/// running finish on the one they started with.
final class SwappableResponder: HTTPResponder, Sendable {
    typealias Context = BasicRequestContext

    private let current: Mutex<RouterResponder<BasicRequestContext>>
    /// Paths answered in a child task: see `respond`.
    private let streamingPaths: Set<String>

    init(_ responder: RouterResponder<BasicRequestContext>, streamingPaths: Set<String> = []) {
        current = Mutex(responder)
        self.streamingPaths = streamingPaths
    }

    func replace(with responder: RouterResponder<BasicRequestContext>) {
        current.withLock { $0 = responder }
    }

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        let responder = current.withLock { $0 }
        guard streamingPaths.contains(request.uri.path) else { return try await responder.respond(to: request, context: context) }
        // A streamed answer is written by the connection's task, which lives as long as the
        // stream, and a Swift task keeps the stack slabs of its deepest await until it ends. The
        // routing, the policy chain and the attempts up to the first event run deepest, so they
        // run in a child task whose slabs go when the answer's head is ready. The child starts
        // on this thread at once (no trip through the event loop's queue before it runs).
        return try await withThrowingTaskGroup(of: Response.self) { group in
            group.addImmediateTask { try await responder.respond(to: request, context: context) }
            guard let answer = try await group.next() else { throw CancellationError() }
            return answer
        }
    }
}
