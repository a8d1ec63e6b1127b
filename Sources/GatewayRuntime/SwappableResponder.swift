import Hummingbird
import Synchronization

/// The listener's responder, which a reload replaces with the next configuration's route table:
/// each request is answered by the table current when it arrives; requests and streams already
/// running finish on the one they started with.
final class SwappableResponder: HTTPResponder, Sendable {
    typealias Context = BasicRequestContext

    private let current: Mutex<RouterResponder<BasicRequestContext>>

    init(_ responder: RouterResponder<BasicRequestContext>) {
        current = Mutex(responder)
    }

    func replace(with responder: RouterResponder<BasicRequestContext>) {
        current.withLock { $0 = responder }
    }

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        let responder = current.withLock { $0 }
        return try await responder.respond(to: request, context: context)
    }
}
