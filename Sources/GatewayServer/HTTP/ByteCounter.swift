import Synchronization

/// Bytes written so far, counted from whichever task writes them.
final class ByteCounter: Sendable {
    private let count = Atomic<Int>(0)

    func add(_ bytes: Int) {
        count.add(bytes, ordering: .relaxed)
    }

    var total: Int { count.load(ordering: .relaxed) }
}
