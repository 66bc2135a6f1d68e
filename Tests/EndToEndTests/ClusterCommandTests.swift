import Foundation
import GatewayTestSupport
import GtcpWire
import Testing

/// Admin commands issued on any node reach the node that holds the connection, through
/// PostgreSQL, and come back with that node's own outcome.
@Suite(.timeLimit(.minutes(3)))
struct ClusterCommandTests {
    private static let greeting = "Nice to meet you!"

    @Test func commandsIssuedOnOneNodeReachAClientOnAnotherByteExact() async throws {
        let database = try ClusterDatabase()
        let a = try await ClusterGateway.start("a", database: database.url)
        let c = try await ClusterGateway.start("c", database: database.url)
        let client = try await TestConnection(port: c.port)
        #expect(try await client.hello(name: "sensor-7") == Self.greeting)
        let id = try await Self.listedID(of: "sensor-7", on: a)

        // Quotes, escapes and characters of every width arrive as they were sent.
        let data = #"{"text":"line\nnext \"quoted\" é 漢 🛰"}"#
        let pushed = try await a.admin("/connections/\(id)/messages", method: "POST", body: Self.json(act: "notice", data: data))
        #expect(pushed.status == 202)
        #expect(String(decoding: pushed.body, as: UTF8.self) == #"{"id":\#(id),"status":"sent"}"#)
        #expect(try await client.next() == Msg(act: "notice", data: data))
        // The holding node's own counters: the hello and its answer, then the push.
        let shown = try await a.admin("/connections/\(id)")
        let text = String(decoding: shown.body, as: UTF8.self)
        #expect(shown.status == 200)
        #expect(text.contains(#""node":"c""#) && text.contains(#""packetsIn":1,"#) && text.contains(#""packetsOut":2,"#), "\(text)")

        // 60 KB does not fit a NOTIFY: it goes through the command table, which is empty after.
        let large = String(repeating: "0123456789", count: 6000)
        #expect(try await a.admin("/connections/\(id)/messages", method: "POST", body: Self.json(act: "blob", data: large)).status == 202)
        #expect(try await client.next() == Msg(act: "blob", data: large))
        #expect(try database.storedCommands() == 0)

        // The client's answer comes back to the caller on the other node, a large one too.
        let answer = String(repeating: "é", count: 5000)
        async let reply = a.admin("/connections/\(id)/requests", method: "POST",
            body: #"{"act":"get-status","data":"verbose","replyAct":"status","timeoutMs":5000}"#)
        #expect(try await client.next() == Msg(act: "get-status", data: "verbose"))
        try await client.send(Msg(act: "status", data: answer))
        let (replyStatus, replyBody) = try await reply
        #expect(replyStatus == 200)
        let decoded = try JSONDecoder().decode(Answer.self, from: replyBody)
        #expect(decoded == Answer(id: id, act: "status", data: answer))

        // The owner's own outcomes: a timeout waiting for the client is 504, not the bus's 503.
        let unanswered = try await a.admin("/connections/\(id)/requests", method: "POST", body: #"{"act":"ping","replyAct":"pong","timeoutMs":200}"#)
        #expect(unanswered.status == 504)
        #expect(try await client.next() == Msg(act: "ping", data: ""))

        let doexit = try await a.admin("/connections/\(id)/doexit", method: "POST", body: #"{"data":"maintenance"}"#)
        #expect(doexit.status == 202)
        #expect(try await client.next() == Msg(act: "doexit", data: "maintenance"))
        #expect(try await a.admin("/connections/\(id)/doexit", method: "POST", body: "{}").status == 409)
        #expect(try await a.admin("/connections/\(id)", method: "DELETE").status == 204)
        #expect(try await client.next() == nil)
        let gone = try await ClusterGateway.waitUntil(within: .seconds(5)) {
            try await a.admin("/connections/\(id)/messages", method: "POST", body: Self.json(act: "x", data: "")).status == 404
        }
        #expect(gone != nil, "a command for a closed connection on a live node was not 404")

        #expect(await a.stop() == 0)
        #expect(await c.stop() == 0)
    }

    @Test func aBroadcastFromOneNodeReachesEveryClientOnEveryNodeOnce() async throws {
        let database = try ClusterDatabase()
        var nodes: [ClusterGateway] = []
        for name in ["a", "b", "c"] {
            nodes.append(try await ClusterGateway.start(name, database: database.url))
        }
        var clients: [TestConnection] = []
        for node in nodes {
            for index in 1...2 {
                let client = try await TestConnection(port: node.port)
                #expect(try await client.hello(name: "\(node.name)-\(index)") == Self.greeting)
                clients.append(client)
            }
        }
        let b = nodes[1]
        #expect(try await ClusterGateway.waitUntil(within: .seconds(10)) { try await b.listing()?.count == 6 } != nil)

        let sent = try await b.admin("/messages", method: "POST", body: Self.json(act: "notice", data: "to all"))
        #expect(sent.status == 202)
        #expect(String(decoding: sent.body, as: UTF8.self) == #"{"sent":6}"#)
        for client in clients {
            #expect(try await client.next() == Msg(act: "notice", data: "to all"))
            // Once: the next message is the answer to this hello, not the broadcast again.
            #expect(try await client.hello(name: "again") == Self.greeting)
        }

        let told = try await b.admin("/connections/doexit?node=c", method: "POST", body: #"{"data":"bye"}"#)
        #expect(told.status == 202)
        #expect(String(decoding: told.body, as: UTF8.self) == #"{"told":2}"#)
        for client in clients[4...] {
            #expect(try await client.next() == Msg(act: "doexit", data: "bye"))
        }

        for client in clients { await client.close() }
        for node in nodes { #expect(await node.stop() == 0) }
    }

    @Test func aCommandForAKilledNodeIsNeverAccepted() async throws {
        let database = try ClusterDatabase()
        let a = try await ClusterGateway.start("a", database: database.url, lease: "3s")
        let c = try await ClusterGateway.start("c", database: database.url, lease: "3s")
        let client = try await TestConnection(port: c.port)
        #expect(try await client.hello(name: "on-c") == Self.greeting)
        let id = try await Self.listedID(of: "on-c", on: a)

        c.process.signal(SIGKILL)
        _ = await c.process.exitStatus()
        // Within the lease the node still counts as live, but it cannot answer: 503 naming it.
        let (status, body) = try await a.admin("/connections/\(id)/messages", method: "POST", body: Self.json(act: "x", data: ""))
        let problem = String(decoding: body, as: UTF8.self)
        #expect(status == 503 || status == 404, "\(status) \(problem)")
        if status == 503 {
            #expect(problem.contains("node c did not answer"))
        }
        // Once the lease lapsed, its connections are unknown ids.
        let lapsed = try await ClusterGateway.waitUntil(within: .seconds(10)) {
            try await a.admin("/connections/\(id)/doexit", method: "POST", body: "{}").status == 404
        }
        #expect(lapsed != nil)
        #expect(try await a.admin("/messages", method: "POST", body: Self.json(act: "x", data: "")).body == Data(#"{"sent":0}"#.utf8))
        #expect(await a.stop() == 0)
    }

    /// The id node `on` lists for the client named `name`, once it does.
    private static func listedID(of name: String, on node: ClusterGateway) async throws -> UInt64 {
        var id: UInt64?
        _ = try await ClusterGateway.waitUntil(within: .seconds(10)) {
            id = try await node.listing(query: "&clientName=\(name)")?.first?.id
            return id != nil
        }
        return try #require(id, "node \(node.name) never listed \(name)")
    }

    private static func json(act: String, data: String) -> String {
        String(decoding: try! JSONEncoder().encode(["act": act, "data": data]), as: UTF8.self)
    }
}

private struct Answer: Decodable, Equatable {
    var id: UInt64
    var act: String
    var data: String
}

extension ClusterDatabase {
    /// Rows of the command table: messages too large for NOTIFY that no node has taken yet.
    func storedCommands() throws -> Int {
        Int(try server.psql("SELECT count(*) FROM gtcp_gateway.commands", database: name).split(separator: "\n")[0]) ?? -1
    }
}
