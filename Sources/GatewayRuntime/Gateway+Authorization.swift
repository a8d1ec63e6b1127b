import Foundation
import GatewayCore
import GatewayPolicy
import HTTPTypes
import Hummingbird
import MCPCore
import NIOCore

extension Gateway {
    /// The HTTP-level check of an MCP endpoint at `path`: every request's credentials, before a
    /// session starts (401 with `WWW-Authenticate`, naming the RFC 9728 metadata when JWTs come
    /// from a configured authorization server). Nil when callers need not authenticate.
    func httpAuthentication(path: String) -> (@Sendable ([(name: String, value: String)]) async throws(GatewayError) -> Identity)? {
        guard let authenticator, authenticator.required else { return nil }
        let advertises = !(configuration.identity.auth.jwt?.authorizationServers.isEmpty ?? true)
        return { headers throws(GatewayError) in
            do throws(GatewayError) {
                return try await authenticator.identify(headers: headers)
            } catch {
                guard advertises, let host = MCPReceiveContext(headers: headers).value(of: "host") else { throw error }
                var error = error
                error.extraHeaders = error.extraHeaders.map { header in
                    guard header.name == "WWW-Authenticate" else { return header }
                    return (header.name, header.value + ", resource_metadata=\"http://\(host)/.well-known/oauth-protected-resource\(path)\"")
                }
                throw error
            }
        }
    }

    /// The check of the model routes: every request's credentials before its body is read.
    func modelAuthentication() -> (@Sendable ([(name: String, value: String)]) async throws(GatewayError) -> Identity)? {
        guard let authenticator else { return nil }
        return { headers throws(GatewayError) in
            try await authenticator.identify(headers: headers)
        }
    }

    /// RFC 9728 protected-resource metadata for each MCP endpoint (and the root form), served
    /// unauthenticated when JWTs come from configured authorization servers.
    func registerProtectedResourceMetadata(on router: GatewayRouter) {
        guard let jwt = configuration.identity.auth.jwt, !jwt.authorizationServers.isEmpty else { return }
        let paths = servers.map(\.endpoint.path)
        let document: @Sendable (String, String) -> Response = { host, path in
            var metadata: JSONObject = [
                "resource": .string("http://\(host)\(path)"), "authorization_servers": .array(jwt.authorizationServers.map(JSONValue.string)),
                "bearer_methods_supported": ["header"], "resource_name": "Toolgate",
            ]
            if !jwt.scopes.isEmpty { metadata["scopes_supported"] = .array(jwt.scopes.map(JSONValue.string)) }
            return Response(
                status: .ok, headers: [.contentType: "application/json", .accessControlAllowOrigin: "*"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONValue.object(metadata).serializedBytes()))
            )
        }
        for path in paths {
            router.get(RouterPath("/.well-known/oauth-protected-resource" + path)) { request, _ in
                document(request.head.authority ?? "127.0.0.1", path)
            }
        }
        router.get("/.well-known/oauth-protected-resource") { request, _ in
            document(request.head.authority ?? "127.0.0.1", paths.count == 1 ? paths[0] : "")
        }
    }
}
