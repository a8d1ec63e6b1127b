import GatewayCore
import MCPCore

/// The chain every tool call passes: `ToolCall → MCPToolResult` with a `CallContext`.
public typealias ToolPolicyChain = MiddlewareChain<ToolCall, MCPToolResult, CallContext, GatewayError>

/// A policy that applies to tool calls.
public protocol ToolPolicy: Middleware where Input == ToolCall, Output == MCPToolResult, Context == CallContext, Failure == GatewayError {}
