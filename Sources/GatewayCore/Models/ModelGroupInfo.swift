/// What clients and policies see of a model group.
public struct ModelGroupInfo: Sendable, Hashable {
    public var name: String
    public var aliases: [String]
    /// Whether some instance serves embeddings (DeepSeek has no embeddings API).
    public var servesEmbeddings: Bool

    public init(name: String, aliases: [String] = [], servesEmbeddings: Bool = true) {
        self.name = name
        self.aliases = aliases
        self.servesEmbeddings = servesEmbeddings
    }
}
