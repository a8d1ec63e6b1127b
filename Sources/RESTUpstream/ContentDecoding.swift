import CompressNIO
import NIOCore

/// The content codings the gateway asks upstreams for and decodes: gzip and deflate (zlib, or
/// raw deflate as some servers send it). The size cap applies to the decoded bytes, so a small
/// compressed answer cannot inflate past it.
enum ContentDecoding {
    /// What tool calls send as `Accept-Encoding` (unless the operation sets its own).
    static let accepted = "gzip, deflate"

    /// Why a compressed answer could not be used; the message is fit for the client.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The decoded body of an answer sent with `Content-Encoding: encoding`; `nil` for an
    /// encoding the gateway does not decode (identity, or one it never asked for).
    static func decode(_ body: [UInt8], encoding: String?, maxBytes: Int) throws(Failure) -> [UInt8]? {
        guard let encoding = encoding?.lowercased().trimmingCharacters(in: .whitespaces), !encoding.isEmpty, encoding != "identity" else { return nil }
        let algorithms: [CompressionAlgorithm]
        switch encoding {
        case "gzip", "x-gzip": algorithms = [.gzip()]
        case "deflate": algorithms = [.zlib(), .deflate()]
        default: return nil
        }
        for algorithm in algorithms {
            var compressed = ByteBuffer(bytes: body)
            do {
                let decoded = try compressed.decompress(with: algorithm, maxSize: maxBytes)
                return Array(decoded.readableBytesView)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                throw Failure(description: "the upstream's \(encoding) answer is larger than \(maxBytes) bytes once decompressed")
            } catch {
                continue
            }
        }
        throw Failure(description: "the upstream's answer is marked \(encoding) but could not be decompressed")
    }
}
