/// The task a `tools/call` runs in, for `notifications/cancelled` to cancel from another task.
///
/// `UnsafeCurrentTask` must not outlive its task: a session keeps one only while the request is
/// registered, the request deregisters before its task can end, and cancelling happens under the
/// same lock, so the task is always alive when `cancel` runs.
struct RunningRequest: @unchecked Sendable {
    let task: UnsafeCurrentTask

    func cancel() { task.cancel() }
}
