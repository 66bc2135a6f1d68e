import Foundation
import GatewayCore

/// One connection as the API shows it.
struct ConnectionJSON: Encodable {
    let id: ConnectionID
    let remoteAddress: String
    let clientName: String?
    let clientCertificateSubject: String?
    let connectedAt: String
    let lastActiveAt: String
    let packetsIn: UInt64
    let packetsOut: UInt64
    let bytesIn: UInt64
    let bytesOut: UInt64
    let inFlight: Int
    let closing: Bool

    /// RFC 3339 in UTC with milliseconds.
    private static let timestamp = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    init(_ snapshot: ConnectionSnapshot) {
        self.id = snapshot.id
        self.remoteAddress = snapshot.remoteAddress
        self.clientName = snapshot.clientName
        self.clientCertificateSubject = snapshot.clientCertificateSubject
        self.connectedAt = snapshot.connectedAt.formatted(Self.timestamp)
        self.lastActiveAt = snapshot.lastActiveAt.formatted(Self.timestamp)
        self.packetsIn = snapshot.packetsIn
        self.packetsOut = snapshot.packetsOut
        self.bytesIn = snapshot.bytesIn
        self.bytesOut = snapshot.bytesOut
        self.inFlight = snapshot.inFlight
        self.closing = snapshot.isClosing
    }

    // Written by hand so that a nameless client shows `"clientName": null` rather than no key
    // (likewise a client without a certificate).
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.id, forKey: .id)
        try container.encode(self.remoteAddress, forKey: .remoteAddress)
        try container.encode(self.clientName, forKey: .clientName)
        try container.encode(self.clientCertificateSubject, forKey: .clientCertificateSubject)
        try container.encode(self.connectedAt, forKey: .connectedAt)
        try container.encode(self.lastActiveAt, forKey: .lastActiveAt)
        try container.encode(self.packetsIn, forKey: .packetsIn)
        try container.encode(self.packetsOut, forKey: .packetsOut)
        try container.encode(self.bytesIn, forKey: .bytesIn)
        try container.encode(self.bytesOut, forKey: .bytesOut)
        try container.encode(self.inFlight, forKey: .inFlight)
        try container.encode(self.closing, forKey: .closing)
    }

    private enum CodingKeys: String, CodingKey {
        case id, remoteAddress, clientName, clientCertificateSubject, connectedAt, lastActiveAt, packetsIn, packetsOut, bytesIn, bytesOut, inFlight, closing
    }
}

struct ConnectionListJSON: Encodable {
    let total: Int
    let connections: [ConnectionJSON]
    /// The id to pass back as `cursor`, as a string so clients treat it as opaque.
    let next: String?

    init(_ page: ConnectionPage) {
        self.total = page.total
        self.connections = page.connections.map(ConnectionJSON.init)
        self.next = page.next.map(String.init)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.total, forKey: .total)
        try container.encode(self.connections, forKey: .connections)
        try container.encode(self.next, forKey: .next)
    }

    private enum CodingKeys: String, CodingKey {
        case total, connections, next
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
