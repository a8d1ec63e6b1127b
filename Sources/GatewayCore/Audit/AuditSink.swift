/// Where audit records go (the embedded SQLite store; a database shared by many instances).
///
/// With `untilDurable`, a record survives the gateway's crash once `write` returns (the store
/// appends it to its journal; the transaction that holds it comes later, off the request path):
/// the audit policy awaits it before the answer leaves, so an answered call always has its
/// record. Without, `write` returns once the record is queued (unless the queue is full), and a
/// crash can lose what is queued.
public protocol AuditSink: Sendable {
    func write(_ record: AuditRecord, untilDurable: Bool) async throws(GatewayError)
    /// As `write`, without waiting in any case (for a stream's end, whose answer has already
    /// left): a record that cannot be taken is logged.
    func submit(_ record: AuditRecord, untilDurable: Bool)
}
