#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix

/// Runs Swift concurrency's global jobs on NIO's singleton event loops, as the *generic* executor.
///
/// NIO's own take-over (`NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor`)
/// runs each job with the event loop as its serial executor. Nonisolated async code asks the
/// runtime to switch back to the generic executor after every call it awaits, and as the active
/// executor is never generic there, every such return was a trip through the event loop's task
/// queue: about 90 queue round trips for one tool call. Run as the generic executor, those
/// switches are free and a task only goes back to the queue when it really waits.
enum EventLoopConcurrency {
    /// The runtime's hook type: `(job, original enqueue) -> Void`, both thin (no context).
    private typealias EnqueueGlobalHook = @convention(thin) (UnownedJob, @convention(thin) (UnownedJob) -> Void) -> Void

    /// Installs the hook once, from `main` before any task starts; false when the runtime has no
    /// hook to install (the default thread pool then stays).
    @discardableResult
    static func install() -> Bool {
        #if compiler(<6.6)
        guard let hook = dlsym(dlopen(nil, RTLD_NOW), "swift_task_enqueueGlobal_hook") else { return false }
        let slot = hook.assumingMemoryBound(to: EnqueueGlobalHook?.self)
        guard slot.pointee == nil else { return false }
        slot.pointee = { job, _ in
            // Sticky: a job enqueued from an event loop of the group stays on that loop.
            MultiThreadedEventLoopGroup.singleton.any().execute {
                job.runSynchronously(on: EventLoopConcurrency.generic)
            }
        }
        return true
        #else
        return false
        #endif
    }

    /// The runtime's generic executor reference (identity and implementation both zero), which
    /// the standard library keeps internal. `unsafeBitCast` traps if the layout ever differs.
    static var generic: UnownedSerialExecutor { unsafeBitCast((UInt(0), UInt(0)), to: UnownedSerialExecutor.self) }
}
