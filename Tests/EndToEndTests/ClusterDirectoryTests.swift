import Foundation
import GatewayTestSupport
import GtcpClient
import GtcpWire
import Testing

/// Several real gateway processes sharing one PostgreSQL act as one: each lists every node's
/// connections, a node that dies leaves the listings within its lease, and the database going
/// away never reaches the clients.
@Suite(.timeLimit(.minutes(3)))
struct ClusterDirectoryTests {
    private static let greeting = "Nice to meet you!"

    @Test func everyNodeListsEveryConnectionOfTheClusterExactlyOnce() async throws {
        let database = try ClusterDatabase().url
        var nodes: [ClusterGateway] = []
        for name in ["a", "b", "c"] {
            nodes.append(try await ClusterGateway.start(name, database: database))
        }
        var clients: [TestConnection] = []
        var expected: Set<String> = []
        for node in nodes {
            for index in 1...3 {
                let client = try await TestConnection(port: node.port)
                #expect(try await client.hello(name: "sensor-\(node.name)-\(index)") == Self.greeting)
                clients.append(client)
                expected.insert("\(node.name)/sensor-\(node.name)-\(index)")
            }
        }

        for node in nodes {
            let complete = try await ClusterGateway.waitUntil(within: .seconds(10)) {
                let listed = try await node.listing() ?? []
                return Set(listed.map { "\($0.node ?? "")/\($0.clientName ?? "")" }) == expected
            }
            #expect(complete != nil, "node \(node.name) never listed all nine connections")
            let listed = try #require(try await node.listing())
            #expect(listed.count == 9)
            #expect(Set(listed.map(\.id)).count == 9)
            // Small pages, followed by their cursors, give the same listing.
            #expect(try await node.listing(limit: 4) == listed)
        }

        let a = nodes[0]
        let found = try #require(try await a.listing(query: "&clientName=sensor-c-2"))
        #expect(found.map(\.node) == ["c"])
        let onB = try #require(try await a.listing(query: "&node=b"))
        #expect(onB.compactMap(\.clientName).sorted() == ["sensor-b-1", "sensor-b-2", "sensor-b-3"])
        #expect(try await a.listing(query: "&node=a")?.count == 3)

        let (status, body) = try await a.admin("/connections/\(found[0].id)")
        #expect(status == 200)
        #expect(String(decoding: body, as: UTF8.self).contains(#""node":"c""#))

        let (nodesStatus, nodesBody) = try await nodes[1].admin("/cluster/nodes")
        #expect(nodesStatus == 200)
        let listedNodes = try JSONDecoder().decode(NodesPage.self, from: nodesBody).nodes
        #expect(listedNodes.map(\.name) == ["a", "b", "c"])
        #expect(listedNodes.allSatisfy { $0.live && $0.connections == 3 })
        #expect(listedNodes.map(\.isSelf) == [false, true, false])

        for client in clients { await client.close() }
        for node in nodes { #expect(await node.stop() == 0) }
    }

    /// The last incarnation before the sequence wraps gives the largest ids (up to 2^63 - 1):
    /// other nodes list them, page past them and reach them.
    @Test func aNodeOfTheLastIncarnationIsListedAndReachedByTheOthers() async throws {
        let database = try ClusterDatabase()
        let a = try await ClusterGateway.start("a", database: database.url)
        let sequenceEnd = try database.server.psql(
            """
            SELECT max_value FROM pg_sequences WHERE schemaname = 'gtcp_gateway' AND sequencename = 'incarnations';
            SELECT setval('gtcp_gateway.incarnations', max_value - 1) FROM pg_sequences
                WHERE schemaname = 'gtcp_gateway' AND sequencename = 'incarnations'
            """, database: database.name)
        let lastIncarnation = try #require(UInt64(sequenceEnd.split(separator: "\n")[0]))
        let z = try await ClusterGateway.start("z", database: database.url)
        var clients: [TestConnection] = []
        for (node, name) in [(a, "on-a"), (z, "on-z-1"), (z, "on-z-2")] {
            let client = try await TestConnection(port: node.port)
            #expect(try await client.hello(name: name) == Self.greeting)
            clients.append(client)
        }
        let listedByA = try await ClusterGateway.waitUntil(within: .seconds(10)) {
            try await a.listing()?.compactMap(\.clientName).sorted() == ["on-a", "on-z-1", "on-z-2"]
        }
        #expect(listedByA != nil, "node a never listed the connections of the last incarnation")
        let onZ = try #require(try await a.listing(query: "&node=z"))
        #expect(onZ.map { $0.id >> 44 } == [lastIncarnation, lastIncarnation])
        #expect(try await a.listing(limit: 1) == a.listing())

        let target = try #require(onZ.first { $0.clientName == "on-z-2" })
        let pushed = try await a.admin("/connections/\(target.id)/messages", method: "POST", body: #"{"act":"notice","data":"top"}"#)
        #expect(pushed.status == 202)
        #expect(try await clients[2].next() == Msg(act: "notice", data: "top"))

        for client in clients { await client.close() }
        #expect(await z.stop() == 0)
        #expect(await a.stop() == 0)
    }

    @Test func aKilledNodeLeavesEveryListingWithinItsLeaseAndRestartsWithNewIds() async throws {
        let database = try ClusterDatabase().url
        let a = try await ClusterGateway.start("a", database: database)
        let c = try await ClusterGateway.start("c", database: database)
        var clients: [TestConnection] = []
        for (node, name) in [(a, "on-a"), (c, "on-c-1"), (c, "on-c-2")] {
            let client = try await TestConnection(port: node.port)
            #expect(try await client.hello(name: name) == Self.greeting)
            clients.append(client)
        }
        #expect(try await ClusterGateway.waitUntil(within: .seconds(10)) { try await a.listing()?.count == 3 } != nil)
        let deadIDs = try #require(try await a.listing(query: "&node=c")).map(\.id)

        c.process.signal(SIGKILL)
        _ = await c.process.exitStatus()
        let gone = try await ClusterGateway.waitUntil(within: .seconds(6)) {
            try await a.listing()?.map(\.clientName) == ["on-a"]
        }
        let lag = try #require(gone, "the dead node's connections were still listed 6s after a 2s lease")
        #expect(lag < .seconds(4))
        let (doexitStatus, _) = try await a.admin("/connections/\(deadIDs[0])/doexit", method: "POST", body: "{}")
        #expect(doexitStatus == 404 || doexitStatus == 503)

        let restarted = try await ClusterGateway.start("c", database: database)
        let client = try await TestConnection(port: restarted.port)
        #expect(try await client.hello(name: "on-c-again") == Self.greeting)
        #expect(try await ClusterGateway.waitUntil(within: .seconds(10)) { try await a.listing()?.count == 2 } != nil)
        let newID = try #require(try await a.listing(query: "&node=c")?.first?.id)
        #expect(!deadIDs.contains(newID))
        #expect(newID >> 44 != deadIDs[0] >> 44, "the restarted node reused its dead incarnation")

        await client.close()
        for client in clients { await client.close() }
        #expect(await restarted.stop() == 0)
        #expect(await a.stop() == 0)
    }

    @Test func theDatabaseGoingAwayNeverReachesTheClients() async throws {
        let server = try TestPostgres()
        let database = try ClusterDatabase(server: server).url
        let upstream = try GatewayProcess(["example-upstream", "--listen", "127.0.0.1:0"])
        let upstreamPort = try await upstream.port(announcedBy: "listening on")
        let forwarding = ["--upstream", "http://127.0.0.1:\(upstreamPort)/acts/{act}"]
        let a = try await ClusterGateway.start("a", database: database, extra: forwarding)
        let b = try await ClusterGateway.start("b", database: database, extra: forwarding)
        var clients: [(connection: TestConnection, name: String)] = []
        for (index, node) in [a, b, a, b].enumerated() {
            let client = try await TestConnection(port: node.port)
            #expect(try await client.hello(name: "before-\(index)") == Self.greeting)
            clients.append((client, "before-\(index)"))
        }
        #expect(try await ClusterGateway.waitUntil(within: .seconds(10)) { try await a.listing()?.count == 4 } != nil)
        let localID = try #require(try await a.listing(query: "&node=a")?.first?.id)

        try server.stop()
        for (index, node) in [a, b].enumerated() {
            let client = try await TestConnection(port: node.port)
            #expect(try await client.hello(name: "during-\(index)") == Self.greeting)
            clients.append((client, "during-\(index)"))
        }
        var failures = 0
        for round in 0..<20 {
            for (client, name) in clients {
                if try await client.hello(name: name) != Self.greeting { failures += 1 }
                try await client.send(Msg(act: "echo", data: #"{"round":\#(round)}"#))
                if try await client.next() != Msg(act: "echo", data: #"{"round":\#(round)}"#) { failures += 1 }
            }
        }
        #expect(failures == 0)

        let (listStatus, listBody) = try await a.admin("/connections")
        #expect(listStatus == 503)
        #expect(String(decoding: listBody, as: UTF8.self).contains("cluster directory"))
        #expect(try await a.admin("/connections/\(localID)").status == 200)
        #expect(try await a.admin("/readyz").status == 200)
        let stale = try await ClusterGateway.waitUntil(within: .seconds(5)) {
            try await a.metrics(prefix: "gtcp_cluster_directory_stale 1").isEmpty == false
        }
        #expect(stale != nil)
        #expect(await a.process.line(containing: "cluster directory is stale") != nil)

        try server.start()
        let names = Set(["before-0", "before-1", "before-2", "before-3", "during-0", "during-1"])
        let converged = try await ClusterGateway.waitUntil(within: .seconds(12)) {
            let listed = try await a.listing()
            return listed.map { Set($0.compactMap(\.clientName)) } == names && listed?.count == 6
        }
        #expect(converged != nil, "the listing was not complete again within a few leases")
        #expect(await a.process.line(containing: "cluster directory is current again") != nil)

        for (client, _) in clients { await client.close() }
        #expect(await a.stop() == 0)
        #expect(await b.stop() == 0)
        upstream.signal(SIGTERM)
    }

    /// A write held up past its deadline by a lock is waited out, not raced by the next: two of the
    /// node's writes never wait at once, and once the lock goes the directory holds what the node
    /// holds, not an older view that committed last.
    @Test func aDirectoryWriteThatOverrunsIsWaitedOutBeforeTheNext() async throws {
        let database = try ClusterDatabase()
        let node = try await ClusterGateway.start("a", database: database.url)
        let table = "gtcp_gateway.connections"
        let locker = Process()
        locker.executableURL = URL(fileURLWithPath: TestPostgres.binaries + "/psql")
        locker.arguments = [
            "-h", "127.0.0.1", "-p", String(database.server.port), "-U", "postgres", "-d", database.name, "-At",
            "-c", "BEGIN; LOCK TABLE \(table); SELECT pg_sleep(120)",
        ]
        try locker.run()
        defer { locker.terminate() }
        func count(_ sql: String) throws -> Int {
            Int(try database.server.psql(sql, database: database.name).split(separator: "\n")[0]) ?? -1
        }
        let locked = try await ClusterGateway.waitUntil(within: .seconds(10)) {
            try count("SELECT count(*) FROM pg_locks WHERE relation = '\(table)'::regclass AND granted") == 1
        }
        #expect(locked != nil)

        let client = try await TestConnection(port: node.port)
        #expect(try await client.hello(name: "held-up") == Self.greeting)
        let stale = try await ClusterGateway.waitUntil(within: .seconds(10)) {
            try await !node.metrics(prefix: "gtcp_cluster_directory_stale 1").isEmpty
        }
        #expect(stale != nil)
        let waitingWrites = """
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = '\(database.name)' AND wait_event_type = 'Lock' AND query NOT LIKE '%pg_stat_activity%'
            """
        // A rewrite would start a second of the lease (2s) after the first write gave up.
        let raced = try await ClusterGateway.waitUntil(within: .seconds(4)) { try count(waitingWrites) > 1 }
        #expect(raced == nil, "a second directory write started while the first still waited")
        await client.close()

        #expect(try count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(120)'") == 1)
        let emptied = try await ClusterGateway.waitUntil(within: .seconds(10)) {
            let current = try await !node.metrics(prefix: "gtcp_cluster_directory_stale 0").isEmpty
            return try current && database.directoryRows() == 0
        }
        let rows = try database.directoryRows()
        #expect(emptied != nil, "the directory still held \(rows) rows")
        #expect(await node.stop() == 0)
    }

    @Test func aClientNameWithANulByteNeitherStallsTheDirectoryNorEscapesAFilter() async throws {
        let database = try ClusterDatabase().url
        let a = try await ClusterGateway.start("a", database: database)
        let b = try await ClusterGateway.start("b", database: database)
        var clients: [TestConnection] = []
        for name in ["bad\u{0}name", "good"] {
            let client = try await TestConnection(port: b.port)
            #expect(try await client.hello(name: name) == Self.greeting)
            clients.append(client)
        }
        let listed = try await ClusterGateway.waitUntil(within: .seconds(10)) { try await a.listing()?.count == 2 }
        #expect(listed != nil, "the directory did not take a client name holding NUL")
        #expect(try await a.listing(query: "&clientName=bad%00name")?.count == 1)
        #expect(try await a.listing(query: "&clientName=good")?.count == 1)
        for client in clients { await client.close() }
        #expect(await a.stop() == 0)
        #expect(await b.stop() == 0)
    }
}

struct NodesPage: Decodable {
    struct Node: Decodable {
        var name: String
        var live: Bool
        var connections: Int
        var isSelf: Bool

        private enum CodingKeys: String, CodingKey {
            case name, live, connections
            case isSelf = "self"
        }
    }

    var nodes: [Node]
}
