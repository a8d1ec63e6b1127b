/// An external judge of content (an OpenAI-compatible moderation endpoint, a webhook in front of
/// any classifier): the moderation policy asks it about a call's text before the call and, when
/// configured, about the answer.
public protocol Moderator: Sendable {
    /// The verdict on `texts` (a call's messages or arguments, or an answer's text). Throws when
    /// the moderator cannot answer (unreachable, timed out, malformed): the policy then fails
    /// open or closed as configured.
    func moderate(_ texts: [String], request: ModerationRequest) async throws(GatewayError) -> ModerationVerdict
}

/// What the moderator is told besides the text.
public struct ModerationRequest: Sendable {
    /// `request` (before the call) or `response` (the answer).
    public var stage: String
    public var kind: CallKind
    public var target: String
    public var consumer: String

    public init(stage: String, kind: CallKind, target: String, consumer: String) {
        self.stage = stage
        self.kind = kind
        self.target = target
        self.consumer = consumer
    }
}

/// A moderator's answer: whether the text is flagged, the scores per category, and why.
public struct ModerationVerdict: Sendable, Hashable {
    public var flagged: Bool
    public var categories: [String: Double]
    public var reason: String?

    public init(flagged: Bool, categories: [String: Double] = [:], reason: String? = nil) {
        self.flagged = flagged
        self.categories = categories
        self.reason = reason
    }
}

/// `policies.moderation`.
public struct ModerationSettings: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// `POST {model, input: [texts]}` → `{results: [{flagged, categories, category_scores}]}`.
        case openai
        /// `POST {input: [texts], stage, kind, target, consumer}` → `{flagged, categories?, reason?}`.
        case webhook
    }

    public var kind: Kind = .openai
    public var url: String
    public var apiKey: String?
    public var model: String?
    public var timeout: Duration = .seconds(2)
    /// When the moderator cannot answer: let the call pass (`true`) or refuse it.
    public var failOpen = false
    /// Moderate what the call sends (default) and/or what it answers (tool results, whole answers, streams in windows).
    public var requests = true
    public var responses = false
    /// Per category: a score at or above this flags the text (besides the moderator's own `flagged`).
    public var thresholds: [String: Double] = [:]
    /// A streamed answer is held back and judged in windows of this many characters (and at its end).
    public var streamWindow = 500

    public init(url: String) {
        self.url = url
    }
}
