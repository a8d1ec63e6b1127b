import GatewayCore

/// How an answered call ended as the audit and the metrics name it: `ok`, or for a call a policy
/// answered itself (the guard's or moderation's refusal, a grant's `isError` result)
/// `content_filtered` or `denied`.
enum AnsweredStatus {
    static func of(_ verdicts: [PolicyVerdict]) -> String {
        guard let denial = verdicts.last(where: { $0.outcome == .denied }) else { return "ok" }
        return ["guard", "moderation"].contains(denial.policy) ? GatewayError.Code.contentFiltered.rawValue : GatewayError.Code.denied.rawValue
    }
}
