import Foundation
import GatewayCore
import GtcpWire
import NIOCore
import SettingsText

/// Connections as the API shows them, written straight into one buffer: a page of a thousand
/// costs one pass over the snapshots, where an `Encodable` tree costs several and allocates per
/// field. Keys come in sorted order like every other answer; absent names are `null`.
enum ConnectionJSON {
    /// `{"connections":[...],"next":"<id>"|null,"total":<n>}`; the cursor is a string so
    /// clients treat it as opaque.
    static func list(_ page: ConnectionPage) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(64 + page.connections.count * Self.typicalEntryBytes)
        buffer.writeStaticString(#"{"connections":["#)
        for (index, snapshot) in page.connections.enumerated() {
            if index > 0 {
                buffer.writeStaticString(",")
            }
            self.write(snapshot, into: &buffer)
        }
        buffer.writeStaticString(#"],"next":"#)
        if let next = page.next {
            buffer.writeStaticString("\"")
            buffer.writeString(String(next))
            buffer.writeStaticString("\"")
        } else {
            buffer.writeStaticString("null")
        }
        buffer.writeStaticString(#","total":"#)
        buffer.writeString(String(page.total))
        buffer.writeStaticString("}")
        return buffer
    }

    static func one(_ snapshot: ConnectionSnapshot) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(Self.typicalEntryBytes)
        self.write(snapshot, into: &buffer)
        return buffer
    }

    /// An entry with a short name and no certificate, rounded up.
    private static var typicalEntryBytes: Int { 320 }

    private static func write(_ time: Date, into buffer: inout ByteBuffer) {
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: UTCTimestamp.byteCount) { out in
            UTCTimestamp.fill(time, into: out)
            return UTCTimestamp.byteCount
        }
    }

    private static func write(_ snapshot: ConnectionSnapshot, into buffer: inout ByteBuffer) {
        buffer.writeStaticString(#"{"bytesIn":"#)
        buffer.writeString(String(snapshot.bytesIn))
        buffer.writeStaticString(#","bytesOut":"#)
        buffer.writeString(String(snapshot.bytesOut))
        buffer.writeStaticString(#","clientCertificateSubject":"#)
        self.write(snapshot.clientCertificateSubject, into: &buffer)
        buffer.writeStaticString(#","clientName":"#)
        self.write(snapshot.clientName, into: &buffer)
        buffer.writeStaticString(snapshot.isClosing ? #","closing":true,"connectedAt":""# : #","closing":false,"connectedAt":""#)
        self.write(snapshot.connectedAt, into: &buffer)
        buffer.writeStaticString(#"","id":"#)
        buffer.writeString(String(snapshot.id))
        buffer.writeStaticString(#","inFlight":"#)
        buffer.writeString(String(snapshot.inFlight))
        buffer.writeStaticString(#","lastActiveAt":""#)
        self.write(snapshot.lastActiveAt, into: &buffer)
        buffer.writeStaticString(#"","node":"#)
        self.write(snapshot.node, into: &buffer)
        buffer.writeStaticString(#","packetsIn":"#)
        buffer.writeString(String(snapshot.packetsIn))
        buffer.writeStaticString(#","packetsOut":"#)
        buffer.writeString(String(snapshot.packetsOut))
        buffer.writeStaticString(#","remoteAddress":"#)
        GoJSON.writeQuoted(snapshot.remoteAddress, into: &buffer)
        buffer.writeStaticString("}")
    }

    private static func write(_ text: String?, into buffer: inout ByteBuffer) {
        if let text {
            GoJSON.writeQuoted(text, into: &buffer)
        } else {
            buffer.writeStaticString("null")
        }
    }
}

struct AcceptedJSON: Encodable {
    let id: ConnectionID
    let status: String
}

/// The client's answer to a request.
struct AnswerJSON: Encodable {
    let id: ConnectionID
    let act: String
    let data: String
}

struct DoexitCountJSON: Encodable {
    let told: Int
}

struct MessageCountJSON: Encodable {
    let sent: Int
}

struct StatusJSON: Encodable {
    let status: String
}
