import Foundation
import MCPCore

extension CallKind {
    /// The kind as the audit trail names it: `tool_call`, `resource_read`, `prompt_get`, and
    /// `model_call` for every model operation (the record's `operation` says which).
    public var auditName: String { isModelCall ? "model_call" : rawValue }
}

extension AuditRecord {
    /// The record as one JSON object, keys in a fixed order: what `toolgate audit export` prints
    /// and what the chain's hash covers (so the bytes must not depend on anything but the record).
    /// Written straight to bytes (no `JSONValue` tree): the store's writer makes one per call.
    /// `formattedTime` is `formatTime(time)` when the caller has it already.
    public func jsonBytes(formattedTime: String? = nil) -> [UInt8] {
        var json = JSONObjectWriter(capacity: 256 + (request?.utf8.count ?? 0) + (response?.utf8.count ?? 0))
        json.string("id", id)
        json.string("time", formattedTime ?? Self.formatTime(time))
        json.string("consumer", consumer)
        json.string("kind", kind.auditName)
        if kind.isModelCall { json.string("operation", kind.rawValue) }
        json.string("target", target)
        json.string("status", status)
        json.string("transport", transport)
        json.number("latency_ms", (latencyMilliseconds * 1000).rounded() / 1000)
        if toolError { json.literal("tool_error", "true") }
        if let requestID { json.string("request_id", requestID) }
        if let clientAddress { json.string("client_address", clientAddress) }
        if let instance { json.string("instance", instance) }
        if let attempts { json.literal("attempts", String(attempts)) }
        if let timeToFirstTokenMilliseconds { json.number("ttft_ms", (timeToFirstTokenMilliseconds * 1000).rounded() / 1000) }
        if let usage {
            json.key("usage")
            var counted = JSONObjectWriter(capacity: 96)
            counted.literal("prompt_tokens", String(usage.promptTokens))
            counted.literal("completion_tokens", String(usage.completionTokens))
            counted.literal("total_tokens", String(usage.totalTokens))
            if usage.cachedPromptTokens > 0 { counted.literal("cached_tokens", String(usage.cachedPromptTokens)) }
            if usage.reasoningTokens > 0 { counted.literal("reasoning_tokens", String(usage.reasoningTokens)) }
            if usage.estimated { counted.literal("estimated", "true") }
            json.raw(counted.finish())
        }
        if !verdicts.isEmpty {
            json.key("verdicts")
            var list: [UInt8] = [UInt8(ascii: "[")]
            for (position, verdict) in verdicts.enumerated() {
                if position > 0 { list.append(UInt8(ascii: ",")) }
                var entry = JSONObjectWriter(capacity: 64)
                entry.string("policy", verdict.policy)
                entry.string("outcome", verdict.outcome.rawValue)
                if let detail = verdict.detail { entry.string("detail", detail) }
                list.append(contentsOf: entry.finish())
            }
            list.append(UInt8(ascii: "]"))
            json.raw(list)
        }
        if let message { json.string("message", message) }
        if let request { json.string("request", request) }
        if let response { json.string("response", response) }
        return json.finish()
    }

    /// ISO 8601 with milliseconds, in UTC (`2026-12-06T09:53:03.899Z`), as
    /// `Date.ISO8601FormatStyle(includingFractionalSeconds: true)` writes it, without its cost on
    /// every record: the civil date from the day number (Howard Hinnant's algorithm).
    public static func formatTime(_ date: Date) -> String {
        // The small addend takes a value made from whole milliseconds (…48.655999) to the one it was made from.
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000 + 1e-4).rounded(.down))
        let millisecondsPerDay: Int64 = 86_400_000
        var days = milliseconds / millisecondsPerDay
        var ofDay = milliseconds % millisecondsPerDay
        if ofDay < 0 {
            days -= 1
            ofDay += millisecondsPerDay
        }
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        var text = [UInt8]()
        text.reserveCapacity(24)
        func append(_ value: Int64, digits: Int) {
            var divisor: Int64 = 1
            for _ in 1..<digits { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(rest / divisor))
                rest %= divisor
                divisor /= 10
            }
        }
        append(year, digits: 4)
        text.append(UInt8(ascii: "-"))
        append(month, digits: 2)
        text.append(UInt8(ascii: "-"))
        append(day, digits: 2)
        text.append(UInt8(ascii: "T"))
        append(ofDay / 3_600_000, digits: 2)
        text.append(UInt8(ascii: ":"))
        append(ofDay / 60_000 % 60, digits: 2)
        text.append(UInt8(ascii: ":"))
        append(ofDay / 1000 % 60, digits: 2)
        text.append(UInt8(ascii: "."))
        append(ofDay % 1000, digits: 3)
        text.append(UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }
}
