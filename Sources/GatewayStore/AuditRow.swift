import GatewayCore
import MCPCore

/// One audit record as the store keeps it: the indexed columns and the record's JSON (the bytes
/// its chain hash covers). Made once, on the caller's thread, so the journal line and the row
/// written to SQLite are the same bytes.
struct AuditRow: Sendable {
    var id: String
    var time: String
    var consumer: String
    var kind: String
    var target: String
    var status: String
    var json: [UInt8]

    init(_ record: AuditRecord) {
        let time = AuditRecord.formatTime(record.time)
        self.id = record.id
        self.time = time
        self.consumer = record.consumer
        self.kind = record.kind.auditName
        self.target = record.target
        self.status = record.status
        self.json = record.jsonBytes(formattedTime: time)
    }

    /// The row of a journal line (a record's JSON as `jsonBytes` wrote it); nil when the line is
    /// not such a record (cut short by a crash in the middle of its write).
    init?(line: ArraySlice<UInt8>) {
        guard let value = try? JSONParser().parse(line),
            let id = value["id"]?.stringValue, let time = value["time"]?.stringValue, let consumer = value["consumer"]?.stringValue,
            let kind = value["kind"]?.stringValue, let target = value["target"]?.stringValue, let status = value["status"]?.stringValue
        else { return nil }
        self.id = id
        self.time = time
        self.consumer = consumer
        self.kind = kind
        self.target = target
        self.status = status
        self.json = Array(line)
    }
}
