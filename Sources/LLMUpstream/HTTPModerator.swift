import Foundation
import GatewayCore
import MCPCore
import NIOCore
import NIOHTTP1
import UpstreamHTTP

/// A `Moderator` over HTTP, on the shared pool: an OpenAI-compatible `/moderations` endpoint, or a
/// webhook that takes the text and its context as JSON and answers a verdict. The endpoint's key
/// goes only to it; the caller's credentials never do.
public struct HTTPModerator: Moderator {
    let settings: ModerationSettings
    let origin: HTTP1Origin
    let target: String
    let pool: HTTP1ConnectionPool

    /// Nil when `settings.url` is not an http or https URL.
    public init?(_ settings: ModerationSettings, pool: HTTP1ConnectionPool) {
        guard let split = URLComponents(string: settings.url).flatMap(HTTP1Origin.split) else { return nil }
        self.settings = settings
        (origin, target) = split
        self.pool = pool
    }

    public func moderate(_ texts: [String], request: ModerationRequest) async throws(GatewayError) -> ModerationVerdict {
        var body: JSONObject = ["input": .array(texts.map(JSONValue.string))]
        switch settings.kind {
        case .openai:
            if let model = settings.model { body["model"] = .string(model) }
        case .webhook:
            body["stage"] = .string(request.stage)
            body["kind"] = .string(request.kind.rawValue)
            body["target"] = .string(request.target)
            body["consumer"] = .string(request.consumer)
        }
        var headers = HTTPHeaders([("Content-Type", "application/json"), ("Accept", "application/json")])
        if let key = settings.apiKey { headers.add(name: "Authorization", value: "Bearer \(key)") }
        let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: target, headers: headers)
        let response: HTTP1Response
        do {
            response = try await pool.execute(
                head, body: ByteBuffer(bytes: JSONValue.object(body).serializedBytes()), origin: origin, deadline: .now() + TimeAmount(settings.timeout),
                maxBytes: 1 << 20
            )
        } catch let error as HTTP1PoolError where error.code == .timedOut {
            throw GatewayError(.timeout, "the moderator did not answer within \(settings.timeout)")
        } catch {
            throw GatewayError(.upstream, "the moderator cannot be reached")
        }
        guard response.head.status.code == 200, let json = try? JSONParser().parse(response.body) else {
            throw GatewayError(.upstream, "the moderator answered HTTP \(response.head.status.code)")
        }
        return try Self.verdict(json, kind: settings.kind)
    }

    /// Reads either answer shape; several results (one per input) are flagged if any is.
    static func verdict(_ json: JSONValue, kind: ModerationSettings.Kind) throws(GatewayError) -> ModerationVerdict {
        switch kind {
        case .webhook:
            guard let flagged = json["flagged"]?.boolValue else { throw GatewayError(.upstream, "the moderation webhook's answer has no boolean 'flagged'") }
            return ModerationVerdict(flagged: flagged, categories: scores(json["categories"]), reason: json["reason"]?.stringValue)
        case .openai:
            guard let results = json["results"]?.arrayValue, !results.isEmpty else { throw GatewayError(.upstream, "the moderation answer has no 'results'") }
            var verdict = ModerationVerdict(flagged: false)
            var named: Set<String> = []
            for result in results {
                if result["flagged"]?.boolValue == true { verdict.flagged = true }
                for (category, value) in result["categories"]?.objectValue ?? [:] where value.boolValue == true { named.insert(category) }
                verdict.categories.merge(scores(result["category_scores"])) { max($0, $1) }
            }
            if !named.isEmpty { verdict.reason = named.sorted().joined(separator: ", ") }
            return verdict
        }
    }

    static func scores(_ value: JSONValue?) -> [String: Double] {
        var scores: [String: Double] = [:]
        for (category, score) in value?.objectValue ?? [:] {
            switch score {
            case .double(let number): scores[category] = number
            case .int(let number): scores[category] = Double(number)
            case .bool(let flag): scores[category] = flag ? 1 : 0
            default: break
            }
        }
        return scores
    }
}
