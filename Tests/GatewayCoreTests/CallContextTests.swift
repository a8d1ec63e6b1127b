import GatewayCore
import MCPCore
import Testing

@Suite("Call context")
struct CallContextTests {
    @Test("credentials are read from Authorization: Bearer and x-api-key, case-insensitively")
    func credentials() {
        let read = CallerCredentials(headers: [("AUTHORIZATION", "Bearer  tg-123 "), ("X-Api-Key", "sk-ant-1"), ("Accept", "*/*")])
        #expect(read == CallerCredentials(bearer: "tg-123", apiKey: "sk-ant-1"))
        #expect(CallerCredentials(headers: [("Authorization", "Basic dXNlcjpwdw==")]) == CallerCredentials())
        #expect(CallerCredentials(headers: [("authorization", "bEaReR k-1\t"), ("x-api-key", " \t")]) == CallerCredentials(bearer: "k-1", apiKey: ""))
        #expect(CallerCredentials(headers: [("Authorization", "Bearer ")]) == CallerCredentials(), "no token after the scheme")
        #expect(CallerCredentials(headers: [("Authorization", "Bearer\u{00A0}é-key")]) == CallerCredentials(), "the scheme is followed by a space")
        #expect(CallerCredentials(headers: [("Authorization", "Bearer  é-ключ ")]) == CallerCredentials(bearer: "é-ключ"))
    }

    @Test("the tool-call initialiser targets the server; verdicts accumulate in order")
    func toolContext() {
        var context = CallContext(server: "pets", transport: "stdio", requestID: .int(7))
        #expect(context.server == "pets")
        #expect(context.target.kind == .toolCall)
        #expect(context.identity == .anonymous)
        context.record(PolicyVerdict(policy: "auth", outcome: .allowed))
        context.record(PolicyVerdict(policy: "guard", outcome: .modified, detail: "2 e-mail addresses redacted"))
        #expect(context.verdicts.map(\.policy) == ["auth", "guard"])
    }

    @Test("model calls are scoped to a model group and count as requests; lists do not")
    func kinds() {
        let context = CallContext(target: CallTarget(kind: .chat, scope: "chat", name: "gpt-4o-mini"), transport: "http")
        #expect(context.server == "")
        #expect(context.target.description == "model:chat")
        #expect(CallKind.chat.isModelCall && CallKind.embeddings.isModelCall && !CallKind.toolCall.isModelCall)
        #expect(CallKind.allCases.filter { !$0.countsAsRequest } == [.list])
    }

    @Test("payload policies read each kind's text")
    func inspectableText() {
        #expect(ToolCall(name: "t", arguments: ["q": "hello"]).inspectableText == ["{\"q\":\"hello\"}"])
        #expect(PromptGet(name: "p", params: ["name": "p", "arguments": ["topic": "x"]]).inspectableText == ["{\"topic\":\"x\"}"])
        #expect(ResourceRead(uri: "file:///a", params: [:]).inspectableText.isEmpty)
    }
}
