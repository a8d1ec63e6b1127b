import Foundation
import GatewayCore
import MCPCore

/// Stops what must not pass: a call whose text (a tool's arguments, a prompt's arguments, a
/// model call's messages) matches a deny rule, or that no allow rule matches when allow rules
/// exist, is refused in the caller's own format and never reaches its upstream.
///
/// A tool call gets an `isError` result naming the rule's number (an agent reads it and moves
/// on); a model call gets a completion whose `finish_reason` is `content_filter` (whole or
/// streamed; the Anthropic route makes that `stop_reason: "refusal"`); other kinds a
/// `content_filtered` error. The text that matched is never echoed back.
public struct GuardPolicy: Policy {
    public let name = "guard"
    private let deny: [GuardRule]
    private let allow: [GuardRule]

    /// Each pattern is a regular expression; a malformed one is an error naming it.
    public init(deny: [String], allow: [String] = []) throws(GatewayError) {
        var denyRules: [GuardRule] = []
        for (index, pattern) in deny.enumerated() { denyRules.append(try GuardRule(pattern: pattern, label: "deny rule \(index + 1)")) }
        var allowRules: [GuardRule] = []
        for (index, pattern) in allow.enumerated() { allowRules.append(try GuardRule(pattern: pattern, label: "allow rule \(index + 1)")) }
        self.deny = denyRules
        self.allow = allowRules
    }

    public func handle<Call: GatewayCall>(_ call: Call, context: CallContext, next: PolicyNext<Call>) async throws(GatewayError) -> Call.Output {
        let texts = call.inspectableText
        guard !texts.isEmpty, let reason = refusal(of: texts) else { return try await next(call, context) }
        context.verdictLog?.append(PolicyVerdict(policy: name, outcome: .denied, detail: reason))
        return try ContentRefusal.refuse(call, message: "The request was refused by the gateway's content guard (\(reason)).")
    }

    /// Which rule refuses the texts, if any.
    func refusal(of texts: [String]) -> String? {
        for text in texts {
            if let rule = deny.first(where: { $0.matches(text) }) { return "matched \(rule.label)" }
        }
        if !allow.isEmpty, !texts.contains(where: { text in allow.contains { $0.matches(text) } }) {
            return "no allow rule matched"
        }
        return nil
    }
}

/// One guard pattern.
struct GuardRule: @unchecked Sendable {
    // NSRegularExpression is immutable once built and documented as thread-safe.
    let expression: NSRegularExpression
    let label: String

    init(pattern: String, label: String) throws(GatewayError) {
        do {
            expression = try NSRegularExpression(pattern: pattern)
        } catch {
            throw GatewayError(.configuration, "policies.guard: \(label) is not a valid regular expression: \(pattern)")
        }
        self.label = label
    }

    func matches(_ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
