import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird
import MCPCore

/// Writes an `AccessLog` entry for every request once its answer has been written (a stream's at
/// its end): time, method, path without the query, status, duration, bytes sent, the client's
/// `X-Request-Id`. The query string is left out because API keys travel there.
public struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let log: AccessLog

    public init(log: AccessLog) {
        self.log = log
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let time = Date()
        var entry: JSONObject = [
            "time": .string(time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))), "method": .string(request.method.rawValue),
            "path": .string(request.uri.path),
        ]
        if let id = request.headers[values: HTTPField.Name("X-Request-Id")!].first { entry["request_id"] = .string(String(id.prefix(128))) }
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            entry["status"] = .int(Int64(status))
            entry["duration_ms"] = .double(started.duration(to: .now).fractionalMilliseconds)
            log.write(entry)
            throw error
        }
        entry["status"] = .int(Int64(response.status.code))
        let body = response.body
        let log = self.log
        let answered = entry
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            let counter = ByteCounter()
            var finished = answered
            do {
                try await body.write(writer.map { buffer in
                    counter.add(buffer.readableBytes)
                    return buffer
                })
            } catch {
                finished["error"] = "the client went away"
                finished["bytes"] = .int(Int64(counter.total))
                finished["duration_ms"] = .double(started.duration(to: .now).fractionalMilliseconds)
                log.write(finished)
                throw error
            }
            finished["bytes"] = .int(Int64(counter.total))
            finished["duration_ms"] = .double(started.duration(to: .now).fractionalMilliseconds)
            log.write(finished)
        }
        return response
    }
}
