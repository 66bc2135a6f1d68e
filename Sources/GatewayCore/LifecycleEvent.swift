import Foundation
import GtcpWire
import SettingsText

/// The backend's verdict on a new connection while the connect hook is on.
enum Admission: Sendable, Equatable {
    case admitted
    /// Why not: `HTTP 403`, or why the verdict could not be had.
    case refused(String)
}

/// One connection lifecycle event on its way to the events URL.
struct LifecycleEvent: Sendable {
    enum Kind: String, Sendable {
        case connected
        case hello
        case disconnected
    }

    let kind: Kind
    let connectionID: ConnectionID
    let remoteAddress: String
    var clientName: String?
    var reason: DisconnectReason?
    let time: Date
    /// Given when the event is queued; increases across the process, and a gap means events were dropped.
    var sequence: UInt64 = 0
    /// Where the connect hook's verdict goes, on a `connected` event only.
    var admission: (@Sendable (Admission) -> Void)?

    /// `{"event","connectionId","remoteAddress","clientName"?,"reason"?,"time","sequence"}`
    var json: String {
        var json = "{\"event\":\"\(kind.rawValue)\",\"connectionId\":\(connectionID)"
        json += ",\"remoteAddress\":\(GoJSON.quote(remoteAddress))"
        if let clientName {
            json += ",\"clientName\":\(GoJSON.quote(clientName))"
        }
        if let reason {
            json += ",\"reason\":\"\(reason.rawValue)\""
        }
        json += ",\"time\":\"\(UTCTimestamp.string(time))\",\"sequence\":\(sequence)}"
        return json
    }
}
