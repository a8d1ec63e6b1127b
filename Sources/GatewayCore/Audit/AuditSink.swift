/// Where audit records go (the embedded SQLite store; a database shared by many instances).
///
/// With `untilDurable`, `write` returns once the record is durable: the audit policy awaits it
/// before the answer leaves, so an answered call always has its record (a sink batches concurrent
/// writes into one transaction, so the wait is one commit shared by every call in the batch).
/// Without, it returns once the record is queued (unless the queue is full), and a crash can lose
/// what is queued.
public protocol AuditSink: Sendable {
    func write(_ record: AuditRecord, untilDurable: Bool) async throws(GatewayError)
    /// Queues the record for the next batch without waiting (for a stream's end, whose answer
    /// has already left).
    func submit(_ record: AuditRecord)
}
