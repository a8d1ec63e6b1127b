import GatewayCore
import HTTPTypes
import Hummingbird
import NIOCore

extension GatewayError {
    /// The one conversion point to a plain HTTP answer: the code's status, `Retry-After` where it
    /// applies, and the `{"error": {...}}` JSON body.
    public func response() -> Response {
        var fields: HTTPFields = [.contentType: "application/json"]
        for (name, value) in httpHeaders {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        return Response(
            status: HTTPResponse.Status(code: httpStatus), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: httpBody.serializedBytes()))
        )
    }
}
