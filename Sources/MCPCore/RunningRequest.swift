/// A running request's task, for another task to cancel (`notifications/cancelled`, a client's
/// connection closing) without a task of its own per request.
///
/// `UnsafeCurrentTask` must not outlive its task: whoever keeps one keeps it only while the
/// request is registered, the request deregisters before its task can end, and cancelling
/// happens under the same lock as deregistering, so the task is alive whenever `cancel` runs.
public struct RunningRequest: @unchecked Sendable {
    let task: UnsafeCurrentTask

    /// The calling task (nil outside one).
    public static var current: RunningRequest? {
        withUnsafeCurrentTask { task in task.map(RunningRequest.init(task:)) }
    }

    /// Cancels the request's task.
    public func cancel() { task.cancel() }
}
