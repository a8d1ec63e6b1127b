/// A model call on its way through the policy chain: a chat completion (`ChatCall`, kind `chat`)
/// or an embeddings request (`EmbeddingsCall`, kind `embeddings`); `Operation` only names the kind.
public struct ModelCall<Operation: ModelCallOperation>: GatewayCall, ModelCarrying {
    public typealias Output = ModelResponse
    public static var kind: CallKind { Operation.kind }
    public var request: ModelRequest
    public var group: ModelGroupInfo

    public init(request: ModelRequest, group: ModelGroupInfo) {
        self.request = request
        self.group = group
    }

    public var inspectableText: [String] { request.texts }
}

/// Which kind of model call a `ModelCall` is.
public protocol ModelCallOperation: Sendable {
    static var kind: CallKind { get }
}

/// `POST /v1/chat/completions`.
public enum ChatOperation: ModelCallOperation {
    public static var kind: CallKind { .chat }
}

/// `POST /v1/embeddings`.
public enum EmbeddingsOperation: ModelCallOperation {
    public static var kind: CallKind { .embeddings }
}

public typealias ChatCall = ModelCall<ChatOperation>
public typealias EmbeddingsCall = ModelCall<EmbeddingsOperation>

/// A call that carries a model request, for policies that read it whatever the operation.
public protocol ModelCarrying {
    var request: ModelRequest { get }
    var group: ModelGroupInfo { get }
}
