import Foundation
import MCPCore

extension AuditRecord {
    /// The record as one JSON object, keys in a fixed order: what `toolgate audit export` prints
    /// and what the chain's hash covers (so the bytes must not depend on anything but the record).
    public var jsonValue: JSONValue {
        var object: JSONObject = [
            "id": .string(id), "time": .string(Self.timeFormat.format(time)), "consumer": .string(consumer), "kind": .string(kind.rawValue),
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

    /// ISO 8601 with milliseconds, in UTC.
    public static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
}
