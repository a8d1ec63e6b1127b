import NIOCore
import NIOHTTP1

/// Gathers one HTTP message's head and body parts; the whole message comes back at its end.
struct MessageCollector<Head: Equatable> {
    private var head: Head?
    private var body: ByteBuffer?

    mutating func receive(_ part: HTTPPart<Head, ByteBuffer>) -> (head: Head, body: ByteBuffer?)? {
        switch part {
        case .head(let head):
            self.head = head
            body = nil
        case .body(var chunk):
            if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
        case .end:
            guard let head else { return nil }
            self.head = nil
            return (head, body)
        }
        return nil
    }
}
