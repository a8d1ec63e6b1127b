/// One instance of a model group: a provider endpoint, its key, the upstream's model name and
/// where it stands in the group's selection.
public struct ModelInstanceSettings: Sendable {
    public var name: String
    public var provider: ModelProviderKind
    /// What the provider documents (`https://api.openai.com/v1`); paths are appended to it.
    public var baseURL: String
    /// The provider key; sent to this instance only, never logged.
    public var apiKey: String?
    /// The upstream's name for the model.
    public var model: String
    public var weight: Int
    /// Lower is tried first.
    public var priority: Int
    /// The instance's own quotas per minute; used up, it is skipped like an unhealthy one.
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?
    /// Prices per million tokens (the `cost` strategy and cost budgets).
    public var price: ModelPrice?
    /// Extra headers sent to this instance (an organization header, a gateway key).
    public var headers: [(name: String, value: String)]

    public init(
        name: String, provider: ModelProviderKind, baseURL: String, apiKey: String? = nil, model: String, weight: Int = 1, priority: Int = 0,
        requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil, price: ModelPrice? = nil, headers: [(name: String, value: String)] = []
    ) {
        self.name = name
        self.provider = provider
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.model = model
        self.weight = weight
        self.priority = priority
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
        self.price = price
        self.headers = headers
    }
}
