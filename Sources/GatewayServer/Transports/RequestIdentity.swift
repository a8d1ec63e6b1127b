import GatewayCore

/// The identity the HTTP transport established for the request the current task serves (nil
/// when the transport checks no credentials). A call made for that request starts with it, so
/// the authentication policy does not check the same key again.
public enum RequestIdentity {
    @TaskLocal public static var current: Identity?
}
