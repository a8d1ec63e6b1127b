import Dispatch
import Foundation
import MCPCore

/// One structured JSON line per HTTP request (no payloads, no query strings, no credentials), on
/// stderr or appended to a file. Lines are written in order by a serial queue, off the event loops.
public final class AccessLog: Sendable {
    private let handle: FileHandle
    private let queue = DispatchQueue(label: "toolgate.access-log")

    /// `stderr`, or a file path (created when missing, appended to).
    public init(target: String) throws {
        if target == "stderr" {
            handle = FileHandle.standardError
            return
        }
        if !FileManager.default.fileExists(atPath: target) {
            guard FileManager.default.createFile(atPath: target, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: target])
            }
        }
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: target))
        try file.seekToEnd()
        handle = file
    }

    /// Writes one entry (its keys in the order given).
    public func write(_ entry: JSONObject) {
        var line = JSONValue.object(entry).serializedBytes()
        line.append(0x0A)
        let data = Data(line)
        let handle = self.handle
        queue.async { try? handle.write(contentsOf: data) }
    }
}
