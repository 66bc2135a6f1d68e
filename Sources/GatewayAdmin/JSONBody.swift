import Foundation
import Hummingbird
import NIOCore

extension Request {
    /// The decoded body, or nil when the request has none. Bodies decode through `JSONObject`,
    /// so their problems reach the client as they were worded.
    func jsonBody<Body: Decodable>(_ type: Body.Type, limit: Int) async throws -> Body? {
        let bytes: ByteBuffer
        do {
            bytes = try await self.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw Problem.tooLarge("request body exceeds \(limit) bytes")
        }
        guard bytes.readableBytes > 0 else { return nil }
        do {
            return try JSONDecoder().decode(Body.self, from: Data(bytes.readableBytesView))
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem.badRequest("request body is not valid JSON")
        }
    }
}

/// Strict field access for a body's `init(from:)`: a JSON object whose unknown fields, nulls and
/// values of the wrong type are refused with a message naming the field.
struct JSONObject {
    private let container: KeyedDecodingContainer<FieldKey>

    init(_ decoder: any Decoder, fields: Set<String>) throws {
        // The decoder parsed the whole body before calling us, so only the shape can be wrong here.
        do {
            self.container = try decoder.container(keyedBy: FieldKey.self)
        } catch {
            throw Problem.badRequest("request body must be a JSON object")
        }
        if let unknown = self.container.allKeys.map(\.stringValue).sorted().first(where: { !fields.contains($0) }) {
            throw Problem.badRequest("unknown field \"\(unknown)\"")
        }
    }

    func string(_ name: String) throws -> String? {
        try self.value(name, as: String.self, expected: "a string")
    }

    func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        let expected = "an integer in \(range.lowerBound)...\(range.upperBound)"
        guard let value = try self.value(name, as: Int.self, expected: expected) else { return nil }
        guard range.contains(value) else {
            throw Problem.badRequest("field \"\(name)\" must be \(expected), got \(value)")
        }
        return value
    }

    private func value<Value: Decodable>(_ name: String, as type: Value.Type, expected: String) throws -> Value? {
        let key = FieldKey(name)
        guard self.container.contains(key) else { return nil }
        do {
            guard try !self.container.decodeNil(forKey: key) else {
                throw Problem.badRequest("field \"\(name)\" must be \(expected), got null")
            }
            return try self.container.decode(Value.self, forKey: key)
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem.badRequest("field \"\(name)\" must be \(expected)")
        }
    }

    private struct FieldKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { self.stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
