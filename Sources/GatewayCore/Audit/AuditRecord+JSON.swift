import Foundation
import MCPCore

extension AuditRecord {
    /// The record as one JSON object, keys in a fixed order: what `toolgate audit export` prints
    /// and what the chain's hash covers (so the bytes must not depend on anything but the record).
    public var jsonValue: JSONValue {
        var object: JSONObject = [
            "id": .string(id), "time": .string(Self.formatTime(time)), "consumer": .string(consumer), "kind": .string(kind.rawValue),
            "target": .string(target), "status": .string(status), "transport": .string(transport),
            "latency_ms": .double((latencyMilliseconds * 1000).rounded() / 1000),
        ]
        if toolError { object["tool_error"] = true }
        if let requestID { object["request_id"] = .string(requestID) }
        if let clientAddress { object["client_address"] = .string(clientAddress) }
        if let instance { object["instance"] = .string(instance) }
        if let attempts { object["attempts"] = .int(Int64(attempts)) }
        if let timeToFirstTokenMilliseconds { object["ttft_ms"] = .double((timeToFirstTokenMilliseconds * 1000).rounded() / 1000) }
        if let usage {
            var counted: JSONObject = [
                "prompt_tokens": .int(Int64(usage.promptTokens)), "completion_tokens": .int(Int64(usage.completionTokens)),
                "total_tokens": .int(Int64(usage.totalTokens)),
            ]
            if usage.cachedPromptTokens > 0 { counted["cached_tokens"] = .int(Int64(usage.cachedPromptTokens)) }
            if usage.reasoningTokens > 0 { counted["reasoning_tokens"] = .int(Int64(usage.reasoningTokens)) }
            if usage.estimated { counted["estimated"] = true }
            object["usage"] = .object(counted)
        }
        if !verdicts.isEmpty {
            object["verdicts"] = .array(verdicts.map { verdict in
                var entry: JSONObject = ["policy": .string(verdict.policy), "outcome": .string(verdict.outcome.rawValue)]
                if let detail = verdict.detail { entry["detail"] = .string(detail) }
                return .object(entry)
            })
        }
        if let message { object["message"] = .string(message) }
        if let request { object["request"] = .string(request) }
        if let response { object["response"] = .string(response) }
        return .object(object)
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
