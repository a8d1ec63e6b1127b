import MCPCore

/// Resources and prompts of an aggregate: prompts are named `source__prompt` like tools;
/// resource URIs are kept as they are and a read goes to the source that listed the URI (or,
/// for a URI no list showed, to each source in turn until one knows it).
extension AggregateToolProvider: FeatureForwarding {
    public func forward(_ method: String, params: JSONObject) async throws(GatewayError) -> Result<JSONValue, JSONRPCError>? {
        let sources = members.enumerated().compactMap { index, member in (member.provider as? any FeatureForwarding).map { (index, $0) } }
        guard !sources.isEmpty else { return nil }
        if let key = ForwardedMethod.listKey(of: method) {
            var items: [JSONValue] = []
            var answered = false
            for (index, source) in sources {
                guard case .success(let answer)? = try await source.forward(method, params: params) else { continue }
                answered = true
                for item in answer[key]?.arrayValue ?? [] {
                    guard case .object(var object) = item else { continue }
                    if key == "prompts", let name = object["name"]?.stringValue {
                        object["name"] = .string(members[index].name + ToolNamespace.separator + name)
                    }
                    if key == "resources", let uri = object["uri"]?.stringValue { remember(uri: uri, member: index) }
                    items.append(.object(object))
                }
            }
            return answered ? .success([key: .array(items)]) : nil
        }
        if method == "prompts/get" {
            let name = params["name"]?.stringValue ?? ""
            guard let (index, source) = sources.first(where: { name.hasPrefix(members[$0.0].name + ToolNamespace.separator) }) else {
                return .failure(.invalidParams("Invalid params: unknown prompt '\(name)'"))
            }
            var forwarded = params
            forwarded["name"] = .string(String(name.dropFirst(members[index].name.count + ToolNamespace.separator.count)))
            return try await source.forward(method, params: forwarded)
        }
        // resources/read
        let uri = params["uri"]?.stringValue ?? ""
        let known = resourceOwner(uri)
        var last: Result<JSONValue, JSONRPCError>?
        for (index, source) in sources where known == nil || known == index {
            let answer = try await source.forward(method, params: params)
            if case .success = answer { return answer }
            if answer != nil { last = answer }
        }
        return last ?? .failure(JSONRPCError(code: .resourceNotFound, message: "Resource not found: '\(uri)'", data: ["uri": .string(uri)]))
    }
}
