/// When a server's tool list is replaced by the discovery meta-tools (`search_tools`,
/// `describe_tool`, `call_tool`). One definition for the configuration and the transport.
public enum DiscoveryMode: String, Sendable, CaseIterable {
    /// Only when the server has more tools than the threshold.
    case auto
    case on
    case off
}
