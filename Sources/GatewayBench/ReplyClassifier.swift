import GtcpWire
import NIOCore

/// Tells a reply to the bench's request from an `error` message or something unexpected,
/// without decoding JSON in the usual case.
struct ReplyClassifier {
    enum Kind: Equatable {
        case ok
        case errorReply(String)
        case unexpected(String)
    }

    private let expectedAct: String
    /// `{"Act":"<act>",`: how Go-compatible encoders (the gateway's, the floor's) start the reply.
    private let expectedPrefix: [UInt8]

    init(expectedAct: String) {
        self.expectedAct = expectedAct
        self.expectedPrefix = Array("{\"Act\":\(GoJSON.quote(expectedAct)),".utf8)
    }

    func classify(_ packet: ByteBuffer) -> Kind {
        let isExpected = packet.withUnsafeReadableBytes { $0.starts(with: self.expectedPrefix) }
        if isExpected {
            return .ok
        }
        let msg: Msg
        do {
            msg = try Msg(decoding: packet)
        } catch {
            return .unexpected("undecodable reply: \(error)")
        }
        switch msg.act {
        case self.expectedAct:
            return .ok
        case "error":
            return .errorReply(msg.data)
        default:
            return .unexpected("reply with act \(GoJSON.quote(msg.act))")
        }
    }
}
