import GatewayCore
import GtcpWire

/// An admin command that one node asks the node holding a connection to carry out.
enum ClusterCommand: Codable, Sendable, Equatable {
    case snapshot(id: ConnectionID)
    case push(id: ConnectionID, act: String, data: String)
    case request(id: ConnectionID, act: String, data: String, replyAct: String, timeoutMs: Int64)
    case doexit(id: ConnectionID, data: String, graceMs: Int64?)
    case close(id: ConnectionID)
    case broadcast(act: String, data: String, clientName: String?, remoteAddress: String?)
    case doexitAll(data: String, graceMs: Int64?, clientName: String?, remoteAddress: String?)

    /// What problems call it.
    var name: String {
        switch self {
        case .snapshot: "snapshot"
        case .push: "push"
        case .request: "request"
        case .doexit: "doexit"
        case .close: "close"
        case .broadcast: "broadcast"
        case .doexitAll: "doexit broadcast"
        }
    }

    /// How long the owner may take beyond the bus's own timeout: a request waits for the client.
    var ownerWait: Duration {
        if case .request(_, _, _, _, let timeoutMs) = self { return .milliseconds(timeoutMs) }
        return .zero
    }
}

/// What the owning node answers: the outcome its own registry gave.
enum ClusterReply: Codable, Sendable, Equatable {
    case sent
    case notFound
    case closing
    case tooLarge(String)
    case answered(act: String, data: String)
    case tooManyWaiting(limit: Int)
    case timedOut
    case connectionClosed
    case count(Int)
    /// The connection with its counters, nil when the node holds no such connection.
    case snapshot(ConnectionSnapshot?)
}

extension ClusterReply {
    init(_ outcome: PushOutcome) {
        switch outcome {
        case .sent: self = .sent
        case .notFound: self = .notFound
        case .closing: self = .closing
        case .tooLarge(let detail): self = .tooLarge(detail)
        }
    }

    init(_ outcome: RequestOutcome) {
        switch outcome {
        case .answered(let msg): self = .answered(act: msg.act, data: msg.data)
        case .notFound: self = .notFound
        case .closing: self = .closing
        case .tooLarge(let detail): self = .tooLarge(detail)
        case .tooManyWaiting(let limit): self = .tooManyWaiting(limit: limit)
        case .timedOut: self = .timedOut
        case .connectionClosed: self = .connectionClosed
        }
    }

    /// nil when the owner answered something no push answers: a node of another version.
    var pushOutcome: PushOutcome? {
        switch self {
        case .sent: .sent
        case .notFound: .notFound
        case .closing: .closing
        case .tooLarge(let detail): .tooLarge(detail)
        default: nil
        }
    }

    var requestOutcome: RequestOutcome? {
        switch self {
        case .answered(let act, let data): .answered(Msg(act: act, data: data))
        case .notFound: .notFound
        case .closing: .closing
        case .tooLarge(let detail): .tooLarge(detail)
        case .tooManyWaiting(let limit): .tooManyWaiting(limit: limit)
        case .timedOut: .timedOut
        case .connectionClosed: .connectionClosed
        default: nil
        }
    }
}
