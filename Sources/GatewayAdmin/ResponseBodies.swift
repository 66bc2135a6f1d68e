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

    private static func write(_ snapshot: ConnectionSnapshot, into buffer: inout ByteBuffer) {
        self.write(#"{"bytesIn":"#, snapshot.bytesIn, into: &buffer)
        self.write(#","bytesOut":"#, snapshot.bytesOut, into: &buffer)
        self.write(#","clientCertificateSubject":"#, snapshot.clientCertificateSubject, into: &buffer)
        self.write(#","clientName":"#, snapshot.clientName, into: &buffer)
        buffer.writeStaticString(snapshot.isClosing ? #","closing":true"# : #","closing":false"#)
        self.write(#","connectedAt":"#, snapshot.connectedAt, into: &buffer)
        self.write(#","id":"#, snapshot.id, into: &buffer)
        self.write(#","inFlight":"#, snapshot.inFlight, into: &buffer)
        self.write(#","lastActiveAt":"#, snapshot.lastActiveAt, into: &buffer)
        self.write(#","node":"#, snapshot.node, into: &buffer)
        self.write(#","packetsIn":"#, snapshot.packetsIn, into: &buffer)
        self.write(#","packetsOut":"#, snapshot.packetsOut, into: &buffer)
        self.write(#","remoteAddress":"#, snapshot.remoteAddress, into: &buffer)
        buffer.writeStaticString("}")
    }

    // Each writes a member's key, then its value.

    private static func write(_ key: StaticString, _ number: some BinaryInteger, into buffer: inout ByteBuffer) {
        buffer.writeStaticString(key)
        buffer.writeString(String(number))
    }

    private static func write(_ key: StaticString, _ text: String?, into buffer: inout ByteBuffer) {
        buffer.writeStaticString(key)
        if let text {
            GoJSON.writeQuoted(text, into: &buffer)
        } else {
            buffer.writeStaticString("null")
        }
    }

    private static func write(_ key: StaticString, _ time: Date, into buffer: inout ByteBuffer) {
        buffer.writeStaticString(key)
        buffer.writeStaticString("\"")
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: UTCTimestamp.byteCount) { out in
            UTCTimestamp.fill(time, into: out)
            return UTCTimestamp.byteCount
        }
        buffer.writeStaticString("\"")
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
