import GatewayCore
import HTTPTypes
import Hummingbird

/// Answers a request no route takes with a JSON error that says what is served, in place of
/// Hummingbird's empty 404: a known path asked with another method gets 405 and `Allow`; an
/// unknown path under `/v1/` is told the model endpoints (or that no models are configured), any
/// other path where MCP servers (and models) are. Errors on `/v1/messages...` are in Anthropic's
/// format, the rest in OpenAI's.
///
/// Add it to the router after every route: Hummingbird applies a middleware to the routes added
/// after it and to the router's not-found responder, so it wraps only that responder and matched
/// requests never pass through it.
public struct UnmatchedRouteMiddleware: RouterMiddleware {
    public typealias Context = BasicRequestContext

    /// The methods each known path takes.
    let methods: [String: [HTTPRequest.Method]]
    /// Whether the model endpoints are served.
    let modelsServed: Bool

    /// `endpoints`: the routes whose paths answer a wrong method with 405; `modelsServed`: whether
    /// `/v1/...` model routes are mounted.
    public init(endpoints: [(path: String, method: HTTPRequest.Method)], modelsServed: Bool) {
        self.methods = Dictionary(endpoints.map { ($0.path, [$0.method]) }, uniquingKeysWith: +)
        self.modelsServed = modelsServed
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            return ModelRoutes.errorResponse(refusal(method: request.method, path: request.uri.path), path: request.uri.path)
        }
    }

    /// Why `method path` is not served, and what is.
    func refusal(method: HTTPRequest.Method, path: String) -> GatewayError {
        if let allowed = methods[path] {
            let names = allowed.map(\.rawValue).joined(separator: ", ")
            var error = GatewayError(.methodNotAllowed, "\(method.rawValue) \(path) is not served; \(path) takes \(names)")
            error.extraHeaders = [("Allow", names)]
            return error
        }
        guard path == "/v1" || path.hasPrefix("/v1/") else {
            let models = modelsServed ? ", models at /v1/chat/completions" : ""
            return GatewayError(.notFound, "no route for \(method.rawValue) \(path); MCP servers answer at /mcp/<name>\(models)")
        }
        guard modelsServed else {
            return GatewayError(.notFound, "no route for \(method.rawValue) \(path): this gateway serves no models (the configuration has no `models:`)")
        }
        let served = ModelRoutes.endpoints.map { "\($0.method.rawValue) \($0.path)" }.joined(separator: ", ")
        return GatewayError(.notFound, "no route for \(method.rawValue) \(path); the model endpoints are \(served)")
    }
}
