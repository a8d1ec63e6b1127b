/// The text parameters of one audit row, gathered into one buffer reused from row to row, so
/// SQLite reads them in place (`SQLITE_STATIC`) instead of copying each one.
struct BoundTexts {
    private var bytes: [UInt8] = []
    private var ends: [Int] = []

    init() {
        bytes.reserveCapacity(512)
        ends.reserveCapacity(8)
    }

    /// The row's id, time, consumer, kind, target and status, then the previous and its own hash.
    mutating func gather(_ row: AuditRow, previous: String, hash: String) {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        append(row.id)
        append(row.time)
        append(row.consumer)
        append(row.kind)
        append(row.target)
        append(row.status)
        append(previous)
        append(hash)
    }

    private mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
        ends.append(bytes.count)
    }

    /// Calls `body` with the bytes of the text at each slot (in `gather`'s order); they are valid
    /// inside `body` only.
    func withBytes<Result>(_ body: ((Int) -> UnsafeRawBufferPointer) -> Result) -> Result {
        bytes.withUnsafeBytes { all in
            body { slot in UnsafeRawBufferPointer(rebasing: all[(slot == 0 ? 0 : ends[slot - 1])..<ends[slot]]) }
        }
    }
}
