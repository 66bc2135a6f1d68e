import Foundation
import GatewayCore
import GtcpWire
import Hummingbird
import HummingbirdTesting
import Testing

/// The admin API against a real gateway with real TCP clients.
@Suite(.timeLimit(.minutes(1)))
struct LiveGatewayTests {
    @Test func listShowsEachClientWithItsCounters() async throws {
        try await LiveGateway.run { gateway in
            let alpha = try await gateway.connect(name: "alpha")
            let beta = try await gateway.connect(name: "beta")

            let response = try await gateway.request(.get, "/connections")
            #expect(response.status == .ok)
            let page = try response.json(ConnectionPageBody.self)
            #expect(page.total == 2)
            #expect(page.next == nil)
            #expect(page.connections.map(\.id) == [alpha.id, beta.id].sorted())
            let listed = try #require(page.connections.first { $0.id == alpha.id })
            #expect(listed.clientName == "alpha")
            #expect(listed.packetsIn == 1)
            #expect(listed.packetsOut == 1)
            #expect(listed.bytesIn == UInt64(2 + Msg(act: "hello", data: "alpha").encodedJSONByteCount))
            #expect(listed.bytesOut == UInt64(2 + Msg(act: "hello", data: "Nice to meet you!").encodedJSONByteCount))
            #expect(listed.inFlight == 0)
            #expect(!listed.closing)
            #expect(listed.remoteAddress.hasPrefix("127.0.0.1:"))
            let timestamp = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
            let connectedAt = try timestamp.parse(listed.connectedAt)
            #expect(abs(connectedAt.timeIntervalSinceNow) < 60)
            #expect(listed.connectedAt.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil)

            let one = try await gateway.request(.get, "/connections/\(alpha.id)").json(ConnectionBody.self)
            #expect(one.id == alpha.id && one.clientName == "alpha" && one.packetsIn == 1 && one.connectedAt == listed.connectedAt)
            let byAddress = try await gateway.request(.get, "/connections?remoteAddress=\(listed.remoteAddress)").json(ConnectionPageBody.self)
            #expect(byAddress.connections.map(\.id) == [alpha.id])
        }
    }

    @Test func doexitReachesOnlyTheChosenClientWhichThenLeavesTheList() async throws {
        try await LiveGateway.run { gateway in
            var first = try await gateway.connect(name: "first")
            var chosen = try await gateway.connect(name: "chosen")
            var last = try await gateway.connect(name: "last")

            let response = try await gateway.request(.post, "/connections/\(chosen.id)/doexit", body: #"{"data":"bye","graceSeconds":0}"#)
            #expect(response.status == .accepted)
            #expect(response.text == #"{"id":\#(chosen.id),"status":"doexit sent"}"#)
            #expect(try await chosen.next() == Msg(act: "doexit", data: "bye"))
            // With no grace the gateway closes right after the doexit; the stream ends there.
            #expect(try await chosen.next() == nil)

            // The others' next message is the fence, so no doexit came before it.
            let fence = try await gateway.request(.post, "/messages", body: #"{"act":"fence"}"#)
            #expect(fence.text == #"{"sent":2}"#)
            #expect(try await first.next() == Msg(act: "fence"))
            #expect(try await last.next() == Msg(act: "fence"))

            let page = try await gateway.request(.get, "/connections").json(ConnectionPageBody.self)
            #expect(Set(page.connections.map(\.id)) == [first.id, last.id])
            #expect(try await gateway.request(.get, "/connections/\(chosen.id)").status == .notFound)
        }
    }

    @Test func aClosingConnectionRefusesMoreWithConflictUntilItIsGone() async throws {
        try await LiveGateway.run { gateway in
            var client = try await gateway.connect(name: "leaving")
            let doexit = try await gateway.request(.post, "/connections/\(client.id)/doexit", body: #"{"graceSeconds":60}"#)
            #expect(doexit.status == .accepted)
            #expect(try await client.next() == Msg(act: "doexit", data: ""))

            let listed = try await gateway.request(.get, "/connections/\(client.id)").json(ConnectionBody.self)
            #expect(listed.closing)
            let again = try await gateway.request(.post, "/connections/\(client.id)/doexit")
            #expect(again.status == .conflict)
            #expect(again.headers[.contentType] == "application/problem+json")
            let push = try await gateway.request(.post, "/connections/\(client.id)/messages", body: #"{"act":"late"}"#)
            #expect(push.status == .conflict)

            #expect(try await gateway.request(.delete, "/connections/\(client.id)").status == .noContent)
            #expect(try await client.next() == nil)
            #expect(try await gateway.request(.get, "/connections/\(client.id)").status == .notFound)
            #expect(try await gateway.request(.delete, "/connections/\(client.id)").status == .notFound)
            #expect(try await gateway.request(.post, "/connections/\(client.id)/doexit").status == .notFound)
            #expect(try await gateway.request(.post, "/connections/\(client.id)/messages", body: #"{"act":"x"}"#).status == .notFound)
        }
    }

    @Test func broadcastReachesEveryMatchingClient() async throws {
        try await LiveGateway.run { gateway in
            var workers = [try await gateway.connect(name: "worker"), try await gateway.connect(name: "worker")]
            var other = try await gateway.connect(name: "other")

            let toWorkers = try await gateway.request(.post, "/messages?clientName=worker", body: #"{"act":"work","data":"42"}"#)
            #expect(toWorkers.status == .accepted)
            #expect(toWorkers.text == #"{"sent":2}"#)
            let toAll = try await gateway.request(.post, "/messages", body: #"{"act":"all"}"#)
            #expect(toAll.text == #"{"sent":3}"#)
            for index in workers.indices {
                #expect(try await workers[index].next() == Msg(act: "work", data: "42"))
                #expect(try await workers[index].next() == Msg(act: "all"))
            }
            #expect(try await other.next() == Msg(act: "all"))

            let told = try await gateway.request(.post, "/connections/doexit?clientName=other", body: #"{"data":"only you"}"#)
            #expect(told.text == #"{"told":1}"#)
            #expect(try await other.next() == Msg(act: "doexit", data: "only you"))
        }
    }

    @Test func pushArrivesByteExact() async throws {
        try await LiveGateway.run { gateway in
            var client = try await gateway.connect(name: "exact")
            let before = try await gateway.request(.get, "/connections/\(client.id)").json(ConnectionBody.self)
            let msg = Msg(act: "notice.v2:x-y_z", data: "{\"q\":\"<a&b>\"}\n\t\u{2028} é 😀 \\ \u{1}")
            let body = try String(decoding: JSONEncoder().encode(["act": msg.act, "data": msg.data]), as: UTF8.self)

            let response = try await gateway.request(.post, "/connections/\(client.id)/messages", body: body)
            #expect(response.status == .accepted)
            #expect(response.text == #"{"id":\#(client.id),"status":"sent"}"#)
            #expect(try await client.next() == msg)
            let after = try await gateway.request(.get, "/connections/\(client.id)").json(ConnectionBody.self)
            #expect(after.packetsOut == before.packetsOut + 1)
            #expect(after.bytesOut == before.bytesOut + UInt64(gateway.framing.headerSize + msg.encodedJSONByteCount))
        }
    }

    @Test func pushBeyondTheClientsMaxDataSizeIsRefusedWithTheFramingError() async throws {
        try await LiveGateway.run { gateway in
            var client = try await gateway.connect(name: "small")
            let big = Msg(act: "big", data: String(repeating: "x", count: gateway.framing.maxDataSize))
            let response = try await gateway.request(.post, "/connections/\(client.id)/messages", body: #"{"act":"big","data":"\#(big.data)"}"#)
            #expect(response.status == .contentTooLarge)
            let problem = try response.json(ProblemDocument.self)
            let expected = GtcpFramingError.dataTooLong(size: big.encodedJSONByteCount, maxDataSize: gateway.framing.maxDataSize)
            #expect(problem.detail == expected.description)

            // The refused message never went out: the next one is the first to arrive.
            #expect(try await gateway.request(.post, "/connections/\(client.id)/messages", body: #"{"act":"small"}"#).status == .accepted)
            #expect(try await client.next() == Msg(act: "small"))
        }
    }

    @Test func paginationCoversEveryConnectionExactlyOnce() async throws {
        try await LiveGateway.run { gateway in
            var peers: [Peer] = []
            for index in 0..<7 {
                peers.append(try await gateway.connect(name: "paged-\(index)"))
            }
            var seen: [UInt64] = []
            var cursor: String?
            var pages = 0
            repeat {
                let uri = "/connections?limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await gateway.request(.get, uri).json(ConnectionPageBody.self)
                #expect(page.total == 7)
                #expect(page.connections.count <= 3)
                seen += page.connections.map(\.id)
                cursor = page.next
                pages += 1
            } while cursor != nil && pages < 10
            #expect(pages == 3)
            #expect(seen == peers.map(\.id).sorted())
        }
    }

    @Test func metricsCountTheTrafficAsItFlows() async throws {
        try await LiveGateway.run { gateway in
            var client = try await gateway.connect(name: "counted")
            let before = try await Self.metrics(gateway)
            #expect(before["gtcp_connections_open"] == 1)
            #expect(before["gtcp_packets_in_total"] == 1)

            try await client.connection.send(Msg(act: "heartbeat"))
            try await client.connection.send(Msg(act: "heartbeat"))
            try await client.connection.send(Msg(act: "hello", data: "counted"))
            #expect(try await client.next()?.act == "hello")
            let after = try await Self.metrics(gateway)
            #expect(after["gtcp_packets_in_total"] == 4)
            #expect(after["gtcp_packets_out_total"] == 2)
            #expect(after["gtcp_bytes_out_total"] == 2 * Double(2 + Msg(act: "hello", data: "Nice to meet you!").encodedJSONByteCount))
        }
    }

    @Test func tokenGuardsEverythingButTheProbes() async throws {
        try await LiveGateway.run(token: "live-secret") { gateway in
            var anonymous = gateway
            anonymous.token = nil
            let refused = try await anonymous.request(.get, "/connections")
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[.wwwAuthenticate] == #"Bearer realm="gtcp-gateway""#)
            #expect(try await anonymous.request(.get, "/metrics").status == .unauthorized)
            #expect(try await anonymous.request(.post, "/messages", body: #"{"act":"x"}"#).status == .unauthorized)
            #expect(try await anonymous.request(.get, "/healthz").text == #"{"status":"ok"}"#)
            #expect(try await anonymous.request(.get, "/readyz").text == #"{"status":"ready"}"#)
            #expect(try await gateway.request(.get, "/connections").status == .ok)
        }
    }

    /// The unlabelled samples of the metrics page by name.
    private static func metrics(_ gateway: LiveGateway) async throws -> [String: Double] {
        let response = try await gateway.request(.get, "/metrics")
        #expect(response.status == .ok)
        var samples: [String: Double] = [:]
        for line in response.text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Double(parts[1]) {
                samples[String(parts[0])] = value
            }
        }
        return samples
    }
}
