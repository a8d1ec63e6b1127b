import GatewayCore
import MCPCore

/// Resources and prompts: passed on when the upstream announced them in its `initialize` answer.
extension MCPUpstreamProvider {
    public func forward(_ method: String, params: JSONObject) async throws(GatewayError) -> Result<JSONValue, JSONRPCError>? {
        try await collect(method, params: params).map { answer in
            answer.map(scrubber.scrub).mapError { error in
                JSONRPCError(code: error.code, message: scrubber.scrub(error.message), data: error.data.map(scrubber.scrub))
            }
        }
    }

    private func collect(_ method: String, params: JSONObject) async throws(GatewayError) -> Result<JSONValue, JSONRPCError>? {
        _ = try await running()
        let feature = method.hasPrefix("prompts/") ? "prompts" : "resources"
        guard upstreamCapabilities[feature] != nil else { return nil }
        guard let key = ForwardedMethod.listKey(of: method) else {
            return try await bounded(method, params: params)
        }
        return try await allPages(of: method, key: key, params: params).map { [key: .array($0)] }
    }

    /// Every item of a paged list method (`tools/list`, `resources/list`...), following each
    /// `nextCursor` (at most 1,000 pages and 100,000 items); each page bounded by `callTimeout`.
    func allPages(of method: String, key: String, params: JSONObject = [:]) async throws(GatewayError) -> Result<[JSONValue], JSONRPCError> {
        var items: [JSONValue] = []
        var cursor: String?
        var pages = 0
        repeat {
            var page = params
            if let cursor { page["cursor"] = .string(cursor) } else { page.removeValue(forKey: "cursor") }
            switch try await bounded(method, params: page) {
            case .failure(let error): return .failure(error)
            case .success(let answer):
                items += answer[key]?.arrayValue ?? []
                cursor = answer["nextCursor"]?.stringValue
            }
            pages += 1
        } while cursor != nil && pages < 1000 && items.count < 100_000
        return .success(items)
    }
}
