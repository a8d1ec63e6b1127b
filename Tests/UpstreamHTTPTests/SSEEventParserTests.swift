@testable import UpstreamHTTP
import Testing

/// The client-side `text/event-stream` parser, fed in every possible chunking.
@Suite("SSE event parser")
struct SSEEventParserTests {
    static let stream = Array(
        ": a comment\r\nevent: endpoint\r\ndata: /messages?session=1\r\n\r\nid: 7.1\ndata: {\"a\":\ndata: 1}\n\ndata:x\rdata: y\r\rretry: 10\n\n".utf8
    )

    func events(_ outputs: [SSEEventParser.Output]) -> [SSEEventParser.Event] {
        outputs.compactMap { if case .event(let event) = $0 { return event } else { return nil } }
    }

    @Test("fields, comments, multi-line data, ids and all three line ends, whole or byte by byte")
    func parses() {
        var whole = SSEEventParser()
        let all = events(whole.feed(Self.stream))
        #expect(all.map(\.event) == ["endpoint", "message", "message"])
        #expect(all.map { String(decoding: $0.data, as: UTF8.self) } == ["/messages?session=1", "{\"a\":\n1}", "x\ny"])
        #expect(all.map(\.id) == [nil, "7.1", "7.1"])
        for split in 1..<Self.stream.count {
            var parser = SSEEventParser()
            let chunked = events(parser.feed(Self.stream[..<split]) + parser.feed(Self.stream[split...]))
            #expect(chunked == all, "split at \(split)")
        }
        var bytewise = SSEEventParser()
        #expect(events(Self.stream.flatMap { bytewise.feed([$0]) }) == all)
        #expect(whole.lastEventID == "7.1" && whole.retryMilliseconds == 10, "what a resume with Last-Event-ID needs")
    }

    @Test("an event over the limit is dropped and reported; the next one is read")
    func oversized() {
        var parser = SSEEventParser(maxEventBytes: 16)
        let outputs = parser.feed(Array("data: 0123456789\ndata: 0123456789\n\ndata: ok\n\n".utf8))
        #expect(outputs.count == 2)
        guard case .tooLarge(let size) = outputs[0], case .event(let event) = outputs[1] else {
            Issue.record("unexpected \(outputs)")
            return
        }
        #expect(size > 16 && event.data == Array("ok".utf8))
    }
}
