import Foundation
import GatewayCore
import MCPCore
import Testing

/// The audit record's own time format, checked against Foundation's.
@Suite("Audit record")
struct AuditRecordTests {
    /// Foundation truncates the binary fraction (…48.655999 → .655) where this rounds to the
    /// millisecond the value was made from (.656): the two may differ by one in the last digit.
    @Test("times read as Foundation's ISO 8601 with milliseconds in UTC, across leap years, centuries and before 1970")
    func timeFormat() {
        let reference = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
        var dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -1.5), Date(timeIntervalSince1970: 951_782_400.123),
                     Date(timeIntervalSince1970: 4_107_542_399.999), Date()]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let milliseconds = Int64.random(in: -2_208_988_800_000...32_503_680_000_000, using: &generator)
            // Not at a second's edge, where a one-millisecond difference changes the second.
            guard ![0, 999, -1].contains(milliseconds % 1000) else { continue }
            dates.append(Date(timeIntervalSince1970: Double(milliseconds) / 1000))
        }
        for date in dates {
            let ours = AuditRecord.formatTime(date), theirs = reference.format(date)
            #expect(ours.count == 24 && ours.prefix(20) == theirs.prefix(20), "\(date.timeIntervalSince1970): \(ours) against \(theirs)")
            let milliseconds = (Int(ours.dropFirst(20).prefix(3)) ?? -9, Int(theirs.dropFirst(20).prefix(3)) ?? 9)
            #expect(abs(milliseconds.0 - milliseconds.1) <= 1, "\(ours) against \(theirs)")
        }
        #expect(AuditRecord.formatTime(Date(timeIntervalSince1970: 951_782_400.123)) == "2000-02-29T00:00:00.123Z")
        #expect(AuditRecord.formatTime(Date(timeIntervalSince1970: -1.5)) == "1969-12-31T23:59:58.500Z")
    }

    @Test("ids are UUIDv7: Foundation reads them, version 7, the RFC 9562 variant, ordered by time, unique")
    func timeOrderedIDs() throws {
        let start = Date(timeIntervalSince1970: 1_765_000_000.123)
        let ids = (0..<1000).map { AuditRecord.newID(at: start.addingTimeInterval(Double($0) / 100)) }
        #expect(Set(ids).count == ids.count)
        let sameInstant = (0..<10_000).map { _ in AuditRecord.newID(at: start) }
        #expect(Set(sameInstant).count == sameInstant.count, "ids made in one millisecond differ")
        #expect(ids == ids.sorted(), "a later id sorts later (the store's index grows at its end)")
        for id in ids {
            let uuid = try #require(UUID(uuidString: id))
            #expect(uuid.uuid.6 >> 4 == 7)
            #expect(uuid.uuid.8 >> 6 == 0b10)
            #expect(id == id.lowercased())
        }
        // The first 48 bits are the milliseconds since 1970.
        #expect(ids[0].hasPrefix(String(format: "%08x-%04x", 1_765_000_000_123 >> 16, 1_765_000_000_123 & 0xFFFF)))
        let record = AuditRecord(time: start, consumer: "c", kind: .toolCall, target: "s/t", status: "ok", transport: "http", latencyMilliseconds: 1)
        #expect(record.id.hasPrefix(String(ids[0].prefix(13))))
    }

    @Test("a record's JSON: fixed key order, escapes, usage and verdicts, and nothing for what is absent")
    func recordJSON() throws {
        var record = AuditRecord(
            id: "0190-x", time: Date(timeIntervalSince1970: 951_782_400.123), consumer: "al\"ice", kind: .chat, target: "chat",
            status: "ok", toolError: true, transport: "http", requestID: "7", clientAddress: "127.0.0.1", latencyMilliseconds: 1.23456,
            verdicts: [PolicyVerdict(policy: "guard", outcome: .allowed), PolicyVerdict(policy: "redact", outcome: .modified, detail: "email")]
        )
        record.instance = "primary"
        record.attempts = 2
        record.timeToFirstTokenMilliseconds = 0.5
        record.usage = TokenUsage(promptTokens: 3, completionTokens: 4, cachedPromptTokens: 1, estimated: true)
        record.request = "line\nnext\u{1}"
        record.response = "é"
        let text = String(decoding: record.jsonBytes(), as: UTF8.self)
        #expect(text == #"{"id":"0190-x","time":"2000-02-29T00:00:00.123Z","consumer":"al\"ice","kind":"model_call","operation":"chat","target":"chat","status":"ok","#
            + #""transport":"http","latency_ms":1.235,"tool_error":true,"request_id":"7","client_address":"127.0.0.1","instance":"primary","#
            + #""attempts":2,"ttft_ms":0.5,"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7,"cached_tokens":1,"estimated":true},"#
            + #""verdicts":[{"policy":"guard","outcome":"allowed"},{"policy":"redact","outcome":"modified","detail":"email"}],"#
            + #""request":"line\nnext\u0001","response":"é"}"#)
        #expect(try JSONParser().parse(record.jsonBytes())["usage"]?["total_tokens"] == .int(7))
        let bare = AuditRecord(id: "i", time: Date(timeIntervalSince1970: 0), consumer: "c", kind: .toolCall, target: "s/t", status: "denied", transport: "stdio", latencyMilliseconds: 2)
        #expect(String(decoding: bare.jsonBytes(), as: UTF8.self)
            == #"{"id":"i","time":"1970-01-01T00:00:00.000Z","consumer":"c","kind":"tool_call","target":"s/t","status":"denied","transport":"stdio","latency_ms":2}"#)
    }
}
