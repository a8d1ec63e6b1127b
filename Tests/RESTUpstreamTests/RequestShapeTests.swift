import GatewayTesting
import MCPCore
import OpenAPIImport
import RESTUpstream
import Testing

/// Each tool call must reach the live upstream as exactly the request the operation describes.
@Suite("Requests on the wire")
struct RequestShapeTests {
    @Test("path values are percent-encoded so they can never change the path")
    func pathEncoding() async throws {
        try await UpstreamHarness.withUpstream { upstream, provider in
            let result = try await UpstreamHarness.call(provider, "getFile", ["path": "../admin?x=1#y/z é"])
            #expect(!result.isError)
            #expect(upstream.last?.target == "/files/..%2Fadmin%3Fx%3D1%23y%2Fz%20%C3%A9")
            let dots = try await UpstreamHarness.call(provider, "getFile", ["path": ".."])
            #expect(dots.isError)
            #expect(dots.text.contains("'path'"))
            #expect(upstream.requests.count == 1, "a refused call sends nothing")
        }
    }

    @Test("query styles: form (exploded and not), spaceDelimited, pipeDelimited, deepObject")
    func queryStyles() async throws {
        try await UpstreamHarness.withUpstream { upstream, provider in
            let result = try await UpstreamHarness.call(
                provider, "getFile",
                [
                    "path": "p", "tags": ["a", "b c"], "ids": [1, 2], "words": ["x", "y"], "pipes": ["m", "n"],
                    "filter": ["color": "red", "size": 2], "q": "a&b=c",
                ]
            )
            #expect(!result.isError)
            #expect(
                upstream.last?.target
                    == "/files/p?tags=a&tags=b%20c&ids=1,2&words=x%20y&pipes=m%7Cn&filter%5Bcolor%5D=red&filter%5Bsize%5D=2&q=a%26b%3Dc"
            )
            let empty = try await UpstreamHarness.call(provider, "getFile", ["path": "p", "tags": [], "ids": [], "filter": [:], "q": ""])
            #expect(!empty.isError)
            #expect(upstream.last?.target == "/files/p", "empty lists, objects and strings are left out, not sent empty")
        }
    }

    @Test("label and matrix path styles")
    func pathStyles() async throws {
        try await UpstreamHarness.withUpstream { upstream, provider in
            _ = try await UpstreamHarness.call(provider, "styledPath", ["color": ["blue", "black"], "point": ["x": 1, "y": 2]])
            #expect(upstream.last?.target == "/label/.blue,black/matrix/;x=1;y=2")
        }
    }

    @Test("headers and cookies are sent; CR/LF in a header value is refused before any request")
    func headers() async throws {
        try await UpstreamHarness.withUpstream { upstream, provider in
            _ = try await UpstreamHarness.call(provider, "getFile", ["path": "p", "X-Trace": "abc-1", "session": "s 1"])
            #expect(upstream.last?.header("X-Trace") == "abc-1")
            #expect(upstream.last?.header("Cookie") == "session=s%201")
            let injected = try await UpstreamHarness.call(provider, "getFile", ["path": "p", "X-Trace": "a\r\nX-Admin: 1"])
            #expect(injected.isError)
            #expect(injected.text.contains("'X-Trace'"))
            #expect(upstream.requests.count == 1)
        }
    }

    @Test("JSON and form bodies carry exactly the given fields")
    func bodies() async throws {
        try await UpstreamHarness.withUpstream { upstream, provider in
            _ = try await UpstreamHarness.call(provider, "createPet", ["tags": ["x"], "name": "Bo", "age": 3])
            #expect(upstream.last?.method == "POST")
            #expect(upstream.last?.bodyText == #"{"name":"Bo","age":3,"tags":["x"]}"#)
            #expect(upstream.last?.header("Content-Type") == "application/json")
            _ = try await UpstreamHarness.call(provider, "sendForm", ["name": "Bo B&", "address": ["city": "Oslo"]])
            #expect(upstream.last?.bodyText == "name=Bo+B%26&address%5Bcity%5D=Oslo")
            #expect(upstream.last?.header("Content-Type") == "application/x-www-form-urlencoded")
        }
    }

    @Test("multipart bodies: file parts from base64, data URLs or objects with a name and type")
    func multipart() async throws {
        try await UpstreamHarness.withUpstream { upstream, provider in
            let object = try await UpstreamHarness.call(
                provider, "upload", ["file": ["data": "aGVsbG8=", "filename": "a.txt", "contentType": "text/plain"], "note": "n"]
            )
            #expect(!object.isError)
            let body = try #require(upstream.last?.bodyText)
            let boundary = try #require(upstream.last?.header("Content-Type")?.split(separator: "=").last.map(String.init))
            #expect(body == "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nn\r\n--\(boundary)--\r\n")
            _ = try await UpstreamHarness.call(provider, "upload", ["file": "data:image/png;base64,iVBORw=="])
            #expect(upstream.last?.bodyText.contains("filename=\"file\"\r\nContent-Type: image/png") == true)
            _ = try await UpstreamHarness.call(provider, "upload", ["file": "aGk="])
            #expect(upstream.last?.bodyText.contains("Content-Type: application/octet-stream\r\n\r\nhi\r\n") == true)
            let bad = try await UpstreamHarness.call(provider, "upload", ["file": "%%% not base64"])
            #expect(bad.isError && bad.text.contains("argument 'file' must be base64-encoded"), "\(bad.text)")
            #expect(upstream.requests.count == 3)
        }
    }

    @Test("arguments that fail the input schema are refused, naming the field, before any request")
    func validation() async throws {
        try await UpstreamHarness.withUpstream { upstream, provider in
            let missing = try await UpstreamHarness.call(provider, "createPet", ["age": 3])
            #expect(missing.isError && missing.text.contains("missing required argument 'name'"))
            let wrongType = try await UpstreamHarness.call(provider, "createPet", ["name": "x", "age": "three"])
            #expect(wrongType.isError && wrongType.text.contains("argument 'age' must be integer"))
            let unknown = try await UpstreamHarness.call(provider, "createPet", ["name": "x", "colour": "red"])
            #expect(unknown.isError && unknown.text.contains("unknown argument 'colour'"))
            // What the schema states beyond types: each refusal names the argument and the rule.
            let cases: [(String, JSONObject, String)] = [
                ("getFile", ["path": ".."], "argument 'path' needs a character other than '.'"),
                ("getFile", ["path": "a", "X-Trace": "a\r\nX-Evil: 1"], "argument 'X-Trace' cannot contain control characters"),
                ("status", ["code": .double(3.6e19)], "argument 'code' must be <= 9223372036854775807"),
                ("createPet", ["name": "x", "tags": ["a", 1]], "argument 'tags' at /1: must be string, got integer"),
                ("upload", ["file": "not base64!"], "argument 'file' must be base64-encoded"),
            ]
            for (tool, arguments, expected) in cases {
                let refused = try await UpstreamHarness.call(provider, tool, arguments)
                #expect(refused.isError && refused.text.contains(expected), "\(tool): \(refused.text)")
            }
            #expect(upstream.requests.isEmpty)
        }
    }
}

/// Swagger 2.0 documents reach the wire as their `collectionFormat`s and `in: formData`/`in: body` say.
@Suite("Swagger 2.0 requests on the wire")
struct Swagger2WireTests {
    static let imported = try! OpenAPIImporter().importDocument(
        path: UpstreamHarness.repository.appendingPathComponent("fixtures/openapi/swagger2-formats.json").path
    )

    @Test("csv, ssv, tsv, pipes and multi; form data body; array header; array body")
    func collectionFormats() async throws {
        try await UpstreamHarness.withUpstream(document: Self.imported, basePath: "/api") { upstream, provider in
            let result = try await UpstreamHarness.call(
                provider, "search",
                [
                    "ids": [1, 2], "csv": ["a", "b"], "ssv": ["c", "d"], "tsv": ["e", "f"], "pipes": ["g", "h"], "multi": ["i", "j"],
                    "X-Tags": ["x", "y"], "name": "Bo Bo", "age": 3,
                ]
            )
            #expect(!result.isError, "\(result.text)")
            let request = try #require(upstream.last)
            #expect(request.target == "/api/search/1,2?csv=a,b&ssv=c%20d&tsv=e%09f&pipes=g%7Ch&multi=i&multi=j")
            #expect(request.header("X-Tags") == "x,y")
            #expect(request.bodyText == "name=Bo+Bo&age=3")
            #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
            _ = try await UpstreamHarness.call(provider, "putPets", ["body": ["a", "b"]])
            #expect(upstream.last?.bodyText == #"["a","b"]"#)
            #expect(upstream.last?.method == "PUT")
        }
    }

    @Test("form arrays keep their collectionFormat; an empty form value only where allowEmptyValue says so")
    func formData() async throws {
        try await UpstreamHarness.withUpstream(document: Self.imported, basePath: "/api") { upstream, provider in
            let result = try await UpstreamHarness.call(
                provider, "search",
                ["ids": [1], "name": "Bo", "colors": ["red", "dark blue"], "sizes": [1, 2], "labels": ["x", "y"], "note": "", "status": "sold"]
            )
            #expect(!result.isError, "\(result.text)")
            #expect(upstream.last?.bodyText == "name=Bo&colors=red%2Cdark+blue&sizes=1%7C2&labels=x&labels=y&note=&status=sold")
            let sent = upstream.requests.count
            let empty = try await UpstreamHarness.call(provider, "search", ["ids": [1], "name": ""])
            #expect(empty.isError)
            #expect(empty.text.contains("'name'"), "\(empty.text)")
            let optionalEmpty = try await UpstreamHarness.call(provider, "search", ["ids": [1], "name": "Bo", "status": ""])
            #expect(optionalEmpty.isError, "an enum field without allowEmptyValue cannot be empty either")
            #expect(upstream.requests.count == sent, "a refused call sends nothing")
        }
        let search = try #require(Self.imported.tools.first { $0.tool.name == "search" })
        #expect(search.tool.inputSchema["properties"]?["name"]?["minLength"] == 1)
        #expect(search.tool.inputSchema["properties"]?["note"]?["minLength"] == nil)
    }
}

/// OpenAPI 3 form bodies follow each property's Encoding Object; deepObject values nest.
@Suite("Form encodings on the wire")
struct FormEncodingWireTests {
    static let imported = try! OpenAPIImporter().importDocument(
        path: UpstreamHarness.repository.appendingPathComponent("fixtures/openapi/form-encodings.yaml").path
    )

    @Test("deepObject nests objects and indexes arrays; form unexploded joins; pipeDelimited; '' unsets")
    func encodings() async throws {
        try await UpstreamHarness.withUpstream(document: Self.imported, basePath: "/api") { upstream, provider in
            let result = try await UpstreamHarness.call(
                provider, "createCharge",
                [
                    "amount": 5, "expand": ["customer", "invoice"], "metadata": ["order": "A 1"],
                    "items": [["price": "p_1", "quantity": 2], ["price": "p_2"]], "ids": [3, 4], "tags": ["a", "b"], "capture": false,
                ]
            )
            #expect(!result.isError, "\(result.text)")
            #expect(
                upstream.last?.bodyText
                    == "amount=5&expand%5B0%5D=customer&expand%5B1%5D=invoice&metadata%5Border%5D=A+1"
                    + "&items%5B0%5D%5Bprice%5D=p_1&items%5B0%5D%5Bquantity%5D=2&items%5B1%5D%5Bprice%5D=p_2"
                    + "&ids=3%2C4&tags=a%7Cb&capture=false"
            )
            _ = try await UpstreamHarness.call(provider, "createCharge", ["amount": 1, "metadata": "", "description": ""])
            #expect(upstream.last?.bodyText == "amount=1&metadata=&description=")
            _ = try await UpstreamHarness.call(provider, "searchCharges", ["created": ["gte": 5], "expand": ["data.customer"]])
            #expect(upstream.last?.target == "/api/charges/search?created%5Bgte%5D=5&expand%5B0%5D=data.customer")
        }
    }

    @Test("a required form field cannot be an empty list or object: it would leave no key=value pair")
    func requiredFormFields() async throws {
        let tool = try #require(Self.imported.tools.first { $0.tool.name == "refreshAccount" })
        #expect(tool.tool.inputSchema["properties"]?["features"]?["minItems"] == 1)
        #expect(tool.tool.inputSchema["properties"]?["settings"]?["minProperties"] == 1)
        try await UpstreamHarness.withUpstream(document: Self.imported, basePath: "/api") { upstream, provider in
            let empty = try await UpstreamHarness.call(provider, "refreshAccount", ["account": "a", "features": [], "settings": ["notify": true]])
            #expect(empty.isError)
            #expect(empty.text.contains("'features'"), "\(empty.text)")
            #expect(upstream.requests.isEmpty)
            let sent = try await UpstreamHarness.call(provider, "refreshAccount", ["account": "a", "features": ["balance"], "settings": ["notify": true]])
            #expect(!sent.isError, "\(sent.text)")
            #expect(upstream.last?.bodyText == "features%5B0%5D=balance&settings%5Bnotify%5D=true")
        }
    }
}
