import Foundation
import Hummingbird
import SettingsText

/// Successful JSON answers, written with an explicit status.
enum JSONResponse {
    static func encode(_ value: some Encodable) throws -> ByteBuffer {
        let encoder = JSONEncoder()
        // Sorted so that answers are byte-for-byte reproducible.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(UTCTimestamp.string(date))
        }
        return ByteBuffer(bytes: try encoder.encode(value))
    }

    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        make(try encode(value), status: status)
    }

    /// A body already written as JSON.
    static func make(_ json: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: json))
    }
}
