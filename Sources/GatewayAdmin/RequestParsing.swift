import GatewayCore
import Hummingbird

/// Path and query values, checked before anything reaches the registry.
extension Request {
    /// The `{id}` path segment: decimal digits of a UInt64, nothing else.
    func connectionID(context: some RequestContext) throws -> ConnectionID {
        let text = context.parameters.get("id") ?? ""
        guard let id = Self.decimalUInt64(text) else {
            throw Problem.badRequest("connection id must be an unsigned 64-bit integer, got \"\(text)\"")
        }
        return id
    }

    /// The query as a dictionary, refusing parameters outside `allowed` and repeated ones, so a
    /// misspelt filter cannot silently widen a broadcast to every connection.
    func query(allowing allowed: Set<String>) throws -> [String: String] {
        var query: [String: String] = [:]
        for (key, value) in self.uri.queryParameters {
            let name = String(key)
            guard allowed.contains(name) else {
                throw Problem.badRequest("unknown query parameter \"\(name)\"")
            }
            guard query.updateValue(String(value), forKey: name) == nil else {
                throw Problem.badRequest("query parameter \"\(name)\" is given more than once")
            }
        }
        return query
    }

    static func decimalUInt64(_ text: some StringProtocol) -> UInt64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        return UInt64(text)
    }
}

extension ConnectionFilter {
    static let queryNames: Set<String> = ["clientName", "remoteAddress", "node"]

    init(query: [String: String]) throws {
        self.init(
            clientName: try Self.checked(query["clientName"], name: "clientName", maxLength: 256),
            remoteAddress: try Self.checked(query["remoteAddress"], name: "remoteAddress", maxLength: 64),
            node: try Self.checked(query["node"], name: "node", maxLength: 63)
        )
    }

    /// Lengths in characters, as openapi.yaml's `maxLength` counts them.
    private static func checked(_ value: String?, name: String, maxLength: Int) throws -> String? {
        guard let value else { return nil }
        guard !value.isEmpty else {
            throw Problem.badRequest("query parameter \"\(name)\" must not be empty")
        }
        guard value.unicodeScalars.count <= maxLength else {
            throw Problem.badRequest("query parameter \"\(name)\" is longer than \(maxLength) characters")
        }
        return value
    }
}
