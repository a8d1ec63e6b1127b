/// An ordered list of middleware run around a terminal handler (the provider).
///
/// The first middleware added is the outermost: it sees the call first and the result last.
public struct MiddlewareChain<Input: Sendable, Output: Sendable, Context: Sendable, Failure: Error>: Sendable {
    public typealias Handler = (Input, Context) async throws(Failure) -> Output

    private var steps: [AnyMiddleware<Input, Output, Context, Failure>]

    /// An empty chain: calls go straight to the terminal handler.
    public init() {
        steps = []
    }

    /// Appends a middleware as the innermost step so far.
    public mutating func append<M: Middleware>(_ middleware: M)
    where M.Input == Input, M.Output == Output, M.Context == Context, M.Failure == Failure {
        steps.append(AnyMiddleware(middleware))
    }

    /// The number of steps.
    public var count: Int { steps.count }

    /// Runs `input` through every step and then `terminal`.
    public func run(_ input: Input, context: Context, terminal: Handler) async throws(Failure) -> Output {
        try await run(index: 0, input: input, context: context, terminal: terminal)
    }

    private func run(index: Int, input: Input, context: Context, terminal: Handler) async throws(Failure) -> Output {
        guard index < steps.count else { return try await terminal(input, context) }
        return try await steps[index].handle(input, context: context) { (input, context) async throws(Failure) -> Output in
            try await self.run(index: index + 1, input: input, context: context, terminal: terminal)
        }
    }
}

/// A type-erased middleware.
struct AnyMiddleware<Input: Sendable, Output: Sendable, Context: Sendable, Failure: Error>: Sendable {
    private let body: @Sendable (Input, Context, (Input, Context) async throws(Failure) -> Output) async throws(Failure) -> Output

    init<M: Middleware>(_ middleware: M)
    where M.Input == Input, M.Output == Output, M.Context == Context, M.Failure == Failure {
        body = { (input, context, next) async throws(Failure) -> Output in
            try await middleware.handle(input, context: context, next: next)
        }
    }

    func handle(
        _ input: Input, context: Context, next: (Input, Context) async throws(Failure) -> Output
    ) async throws(Failure) -> Output {
        try await body(input, context, next)
    }
}
