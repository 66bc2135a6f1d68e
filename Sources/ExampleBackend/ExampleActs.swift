import Foundation
import Hummingbird

/// What each demo act answers.
enum ExampleActs {
    /// The body back unchanged, with its Content-Type.
    static func echo(_ body: ByteBuffer, contentType: String?) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }

    static func time() -> Response {
        json(["now": Date.now.formatted(.iso8601)])
    }

    /// A JSON array of numbers, or `{"numbers": [...]}`.
    static func sum(_ body: ByteBuffer) -> Response {
        struct Numbers: Decodable { var numbers: [Double] }
        struct Sum: Encodable { var sum: Double }
        let bytes = Data(body.readableBytesView)
        let decoder = JSONDecoder()
        guard
            let numbers = (try? decoder.decode([Double].self, from: bytes))
                ?? (try? decoder.decode(Numbers.self, from: bytes).numbers)
        else {
            return error(.badRequest, "body must be a JSON array of numbers or {\"numbers\": [...]}")
        }
        return json(Sum(sum: numbers.reduce(0, +)))
    }

    /// The gateway's headers as received, names in lower case.
    static func whoami(_ headers: HTTPFields) -> Response {
        var received: [String: String] = [:]
        for field in headers {
            let name = field.name.canonicalName
            guard name.hasPrefix("x-gtcp-") || name == "x-request-id" else { continue }
            received[name] = received[name].map { "\($0), \(field.value)" } ?? field.value
        }
        return json(received)
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        json(["error": message], status: status)
    }

    private static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding string dictionaries and plain structs cannot fail.
        let data = (try? encoder.encode(value)) ?? Data()
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
