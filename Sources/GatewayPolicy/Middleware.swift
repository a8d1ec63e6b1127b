/// One step of the policy chain, in Hummingbird's shape: do something before, call `next`, do
/// something after. Generic over input and output so the same chain type serves
/// `ToolCall → MCPToolResult` and, later, chat requests → chat responses.
public protocol Middleware<Input, Output, Context>: Sendable {
    associatedtype Input: Sendable
    associatedtype Output: Sendable
    associatedtype Context: Sendable
    associatedtype Failure: Error

    func handle(
        _ input: Input, context: Context,
        next: (Input, Context) async throws(Failure) -> Output
    ) async throws(Failure) -> Output
}
