import Foundation

/// What travels on a node's channel: a command for the node, or the reply to one it sent.
enum BusMessage: Codable, Sendable, Equatable {
    /// `origin` is the channel of the node that waits for the reply.
    case command(correlation: UInt64, origin: String, command: ClusterCommand)
    case reply(correlation: UInt64, reply: ClusterReply)
}

/// A bus message as a NOTIFY payload: the JSON itself when it fits, else `#` and the id of the
/// row of the command table that holds it, since NOTIFY refuses payloads of 8000 bytes and more.
enum NotifyPayload: Equatable {
    case inline(String)
    case stored(rowID: Int64)

    /// Below NOTIFY's 8000 bytes with room to spare.
    static let inlineLimit = 7000

    init(_ text: String) throws(BusMessageError) {
        if text.hasPrefix("#") {
            guard let rowID = Int64(text.dropFirst()), rowID > 0 else {
                throw BusMessageError("payload \"\(text.prefix(40))\" names no command row")
            }
            self = .stored(rowID: rowID)
        } else {
            self = .inline(text)
        }
    }

    /// The NOTIFY payload of a stored message.
    static func reference(to rowID: Int64) -> String { "#\(rowID)" }

    /// Whether `json` must go through the command table.
    static func needsTable(_ json: String) -> Bool { json.utf8.count > inlineLimit }
}

/// A payload or stored body that is not a bus message: a node of another version, or a bug.
struct BusMessageError: Error, Equatable, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

extension BusMessage {
    func json() -> String {
        // Encoding enums of strings and integers cannot fail.
        String(decoding: try! JSONEncoder().encode(self), as: UTF8.self)
    }

    init(json: String) throws(BusMessageError) {
        do {
            self = try JSONDecoder().decode(BusMessage.self, from: Data(json.utf8))
        } catch {
            throw BusMessageError("not a bus message (\(error)): \(json.prefix(80))")
        }
    }
}
