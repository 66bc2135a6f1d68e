import Foundation
@testable import GatewayAdmin
@testable import GatewayCore
import NIOCore
import Testing

@Suite struct ConnectionJSONTests {
    private static let odd = "q\"b\\s/\n\t\u{01}\u{1F}\u{7F}é€😀<&>\u{2028}"

    @Test func oneConnectionIsWrittenByteForByteWithEscapes() {
        var snapshot = ConnectionSnapshot.fake(id: 7, clientName: Self.odd, clientCertificateSubject: #"CN=a\,b"#, closing: true)
        snapshot.remoteAddress = "[::1]:9"
        let expected =
            #"{"bytesIn":4120,"bytesOut":96,"clientCertificateSubject":"CN=a\\,b","clientName":"q\"b\\s/\n\t\u0001\u001f"#
            + "\u{7F}é€😀"
            + #"\u003c\u0026\u003e\u2028","closing":true,"connectedAt":"2025-01-31T09:15:02.125Z","id":7,"inFlight":1,"#
            + #""lastActiveAt":"2025-01-31T09:16:40.250Z","node":null,"packetsIn":101,"packetsOut":3,"remoteAddress":"[::1]:9"}"#
        #expect(String(buffer: ConnectionJSON.one(snapshot)) == expected)
    }

    @Test func pagesAreWrittenByteForByte() {
        let last = ConnectionPage(total: 0, connections: [], next: nil)
        #expect(String(buffer: ConnectionJSON.list(last)) == #"{"connections":[],"next":null,"total":0}"#)
        let page = ConnectionPage(total: 9, connections: [.fake(id: 1), .fake(id: UInt64.max)], next: UInt64.max)
        let text = String(buffer: ConnectionJSON.list(page))
        #expect(text.hasPrefix(#"{"connections":[{"bytesIn":4120,"#))
        #expect(text.contains(#""remoteAddress":"127.0.0.1:40001"},{"bytesIn""#))
        #expect(text.hasSuffix(#""id":18446744073709551615,"inFlight":1,"lastActiveAt":"2025-01-31T09:16:40.250Z","node":null,"packetsIn":101,"packetsOut":3,"remoteAddress":"127.0.0.1:51615"}],"next":"18446744073709551615","total":9}"#))
    }

    /// Byte for byte what the `Encodable` answer was wherever strings need no HTML escape, and
    /// the same values where they do.
    @Test(arguments: [nil, "sensor-7", "", "naïve 😀 \"x\"\r\n\u{0}", odd])
    func matchesTheFoundationEncoding(name: String?) throws {
        var first = ConnectionSnapshot.fake(id: 3, clientName: name, clientCertificateSubject: name)
        first.connectedAt = Date(timeIntervalSince1970: 1_700_000_000.9996)
        first.lastActiveAt = Date(timeIntervalSince1970: 1_700_000_001.0004)
        first.packetsIn = UInt64.max
        let page = ConnectionPage(total: 2, connections: [first, .fake(id: 4, closing: true)], next: 4)
        let written = Data(ConnectionJSON.list(page).readableBytesView)
        let reference = try JSONEncoder.sorted.encode(ReferenceList(page))
        if !(name ?? "").contains(where: { "<>&\u{2028}".contains($0) }) {
            #expect(String(decoding: written, as: UTF8.self) == String(decoding: reference, as: UTF8.self))
        }
        let parsed = try JSONSerialization.jsonObject(with: written) as? NSDictionary
        let expected = try JSONSerialization.jsonObject(with: reference) as? NSDictionary
        #expect(parsed != nil)
        #expect(parsed == expected)
    }
}

extension JSONEncoder {
    fileprivate static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// The answer as Foundation's encoder and formatter wrote it, the reference for the hand-written one.
private struct ReferenceList: Encodable {
    let total: Int
    let connections: [ConnectionBody]
    @NullWhenAbsent var next: String?

    init(_ page: ConnectionPage) {
        total = page.total
        connections = page.connections.map(ConnectionBody.init)
        next = page.next.map(String.init)
    }
}

extension ConnectionBody {
    fileprivate init(_ snapshot: ConnectionSnapshot) {
        let format = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        self.init(
            id: snapshot.id, remoteAddress: snapshot.remoteAddress, clientName: snapshot.clientName,
            clientCertificateSubject: snapshot.clientCertificateSubject,
            connectedAt: snapshot.connectedAt.formatted(format), lastActiveAt: snapshot.lastActiveAt.formatted(format),
            packetsIn: snapshot.packetsIn, packetsOut: snapshot.packetsOut, bytesIn: snapshot.bytesIn,
            bytesOut: snapshot.bytesOut, inFlight: snapshot.inFlight, closing: snapshot.isClosing,
            node: snapshot.node)
    }
}
