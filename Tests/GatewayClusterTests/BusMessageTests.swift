import Foundation
import GatewayCore
import Testing

@testable import GatewayCluster

@Suite struct BusMessageTests {
    @Test(arguments: [
        BusMessage.command(
            correlation: 1, origin: "gtcp_node_7",
            command: .push(id: UInt64.max, act: "notice", data: "line\n\"quoted\" \u{0} é 🛰")),
        .command(
            correlation: 2, origin: "gtcp_node_7",
            command: .request(id: 9, act: "ping", data: "", replyAct: "pong", timeoutMs: 300_000)),
        .command(correlation: 3, origin: "gtcp_node_1", command: .doexit(id: 4, data: "bye", graceMs: nil)),
        .command(correlation: 4, origin: "gtcp_node_1", command: .close(id: 4)),
        .command(
            correlation: 5, origin: "gtcp_node_1",
            command: .broadcast(act: "a", data: "b", clientName: "sensor-7", remoteAddress: nil)),
        .command(
            correlation: 6, origin: "gtcp_node_1",
            command: .doexitAll(data: "", graceMs: 2500, clientName: nil, remoteAddress: "127.0.0.1")),
        .reply(correlation: 7, reply: .answered(act: "pong", data: "{\"ok\":true}")),
        .reply(correlation: 8, reply: .tooManyWaiting(limit: 16)),
        .reply(correlation: 9, reply: .count(20_000)),
        .command(correlation: 10, origin: "gtcp_node_1", command: .snapshot(id: 3)),
        .reply(correlation: 10, reply: .snapshot(nil)),
        .reply(
            correlation: 11,
            reply: .snapshot(
                ConnectionSnapshot(
                    id: 3, remoteAddress: "[::1]:40001", clientName: "sensor-7", clientCertificateSubject: nil,
                    connectedAt: Date(timeIntervalSince1970: 1_700_000_000.125),
                    lastActiveAt: Date(timeIntervalSince1970: 1_700_000_001.5), packetsIn: UInt64.max, packetsOut: 3,
                    bytesIn: 4120, bytesOut: 96, inFlight: 1, isClosing: true, node: nil))),
        .reply(correlation: UInt64.max, reply: .tooLarge("message of 70000 bytes exceeds 65535")),
    ])
    func everyMessageSurvivesItsJSON(message: BusMessage) throws {
        #expect(try BusMessage(json: message.json()) == message)
    }

    @Test func connectionIDsKeepAllSixtyFourBits() throws {
        let id: UInt64 = (0xF_FFFF << 44) | 0xABC_DEF0_1234
        let json = BusMessage.command(correlation: 1, origin: "n", command: .close(id: id)).json()
        #expect(json.contains("\(id)"))
        #expect(try BusMessage(json: json) == .command(correlation: 1, origin: "n", command: .close(id: id)))
    }

    @Test func aPayloadThatIsNoBusMessageIsAnErrorQuotingIt() {
        #expect(throws: BusMessageError.self) { try BusMessage(json: "{\"hello\":1}") }
        let error = #expect(throws: BusMessageError.self) { try BusMessage(json: "garbage") }
        #expect(error?.description.hasSuffix(": garbage") == true)
    }

    @Test func messagesAboveSevenThousandBytesGoThroughTheTable() {
        let small = BusMessage.command(
            correlation: 1, origin: "gtcp_node_1", command: .push(id: 1, act: "a", data: String(repeating: "x", count: 6000)))
        let large = BusMessage.command(
            correlation: 1, origin: "gtcp_node_1", command: .push(id: 1, act: "a", data: String(repeating: "x", count: 60_000)))
        // Multi-byte characters count as their UTF-8 bytes, as NOTIFY counts them.
        let wide = BusMessage.reply(correlation: 1, reply: .answered(act: "a", data: String(repeating: "é", count: 3600)))
        #expect(!NotifyPayload.needsTable(small.json()))
        #expect(NotifyPayload.needsTable(large.json()))
        #expect(NotifyPayload.needsTable(wide.json()))
    }

    @Test func aStoredPayloadNamesItsRow() throws {
        #expect(try NotifyPayload(NotifyPayload.reference(to: 42)) == .stored(rowID: 42))
        #expect(try NotifyPayload("{\"reply\":{}}") == .inline("{\"reply\":{}}"))
        #expect(throws: BusMessageError.self) { try NotifyPayload("#") }
        #expect(throws: BusMessageError.self) { try NotifyPayload("#-3") }
        #expect(throws: BusMessageError.self) { try NotifyPayload("#12x") }
    }
}
