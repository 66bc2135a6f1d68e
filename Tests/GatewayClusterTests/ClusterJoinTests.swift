import GatewayCore
import GatewayTestSupport
import Logging
import Testing

@testable import GatewayCluster

/// Joining against a real PostgreSQL: the schema, incarnations and node names.
@Suite(.timeLimit(.minutes(1)))
struct ClusterJoinTests {
    private let logger = Logger.quiet("cluster-join-tests")

    private func configuration(_ url: String, name: String, lease: Duration = .seconds(5)) throws -> ClusterConfiguration {
        ClusterConfiguration(database: try ClusterDatabaseURL(parsing: url), password: nil, nodeName: name, lease: lease)
    }

    @Test func nodesStartingTogetherMigrateTheSchemaOnceAndGetDistinctIncarnations() async throws {
        let server = try TestPostgres.shared()
        let database = try server.createDatabase()
        let url = server.url(database: database)
        let nodes = try await withThrowingTaskGroup(of: ClusterNode.self) { group in
            for name in ["a", "b", "c"] {
                let configuration = try configuration(url, name: name)
                group.addTask { try await ClusterJoin.join(configuration, logger: logger) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(nodes.map(\.name)) == ["a", "b", "c"])
        #expect(Set(nodes.map(\.incarnation)).count == 3)
        #expect(!nodes.contains { $0.incarnation == 0 })
        let versions = try server.psql("SELECT version FROM gtcp_gateway.schema_migrations ORDER BY 1", database: database)
        #expect(versions == ClusterSchema.migrations.map { "\($0.version)\n" }.joined())
    }

    @Test func aNodeRestartedAfterACrashWaitsOutItsOldLeaseAndGetsANewIncarnation() async throws {
        let server = try TestPostgres.shared()
        let url = server.url(database: try server.createDatabase())
        // Nothing renews the first lease: the node "crashed" right after joining.
        let crashed = try await ClusterJoin.join(try configuration(url, name: "n", lease: .seconds(1)), logger: logger)
        let started = ContinuousClock.now
        let restarted = try await ClusterJoin.join(try configuration(url, name: "n", lease: .seconds(1)), logger: logger)
        #expect(restarted.incarnation != crashed.incarnation)
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    @Test func thePrintedSchemaAppliesTwiceAndNodesJoinOverIt() async throws {
        let server = try TestPostgres.shared()
        let database = try server.createDatabase()
        try server.psql(ClusterSchema.script, database: database)
        try server.psql(ClusterSchema.script, database: database)
        let node = try await ClusterJoin.join(try configuration(server.url(database: database), name: "dba"), logger: logger)
        #expect(node.incarnation > 0)
    }

    /// Connection ids are stored as bigint, so an incarnation of 2^19 or more would give ids the
    /// directory cannot list: the sequence wraps below it, and a join skips those still held.
    @Test func incarnationsWrapBelowTheBigintRangeAndSkipThoseStillHeld() async throws {
        let server = try TestPostgres.shared()
        let database = try server.createDatabase()
        let url = server.url(database: database)
        let max = ConnectionIDLayout.maxIncarnation
        // Its lease outlasts the test, so it still holds incarnation 1 when the sequence wraps.
        _ = try await ClusterJoin.join(try configuration(url, name: "first", lease: .seconds(120)), logger: logger)
        try server.psql("SELECT setval('gtcp_gateway.incarnations', \(max - 1))", database: database)
        let last = try await ClusterJoin.join(try configuration(url, name: "last"), logger: logger)
        let wrapped = try await ClusterJoin.join(try configuration(url, name: "wrapped"), logger: logger)
        #expect(last.incarnation == max)
        #expect(wrapped.incarnation == 2)
    }

    /// A database from before migration 3, its sequence already past 2^19: the sequence starts
    /// again at 1 when a node migrates it.
    @Test func aSequencePastTheCapStartsAgainWhenMigrated() async throws {
        let server = try TestPostgres.shared()
        let database = try server.createDatabase()
        try server.psql(ClusterSchema.script, database: database)
        try server.psql(
            """
            DELETE FROM gtcp_gateway.schema_migrations WHERE version = 3;
            ALTER SEQUENCE gtcp_gateway.incarnations MAXVALUE 1048575;
            SELECT setval('gtcp_gateway.incarnations', 600000);
            """, database: database)
        let node = try await ClusterJoin.join(try configuration(server.url(database: database), name: "n"), logger: logger)
        #expect(node.incarnation == 1)
        let maxValue = try server.psql(
            "SELECT max_value FROM pg_sequences WHERE schemaname = 'gtcp_gateway' AND sequencename = 'incarnations'",
            database: database)
        #expect(maxValue == "\(ConnectionIDLayout.maxIncarnation)\n")
    }

    @Test func anUnreachableDatabaseNamesTheSetting() async throws {
        try await withRefusingPort { port in
            await #expect {
                try await ClusterJoin.join(
                    try configuration("postgres://gw@127.0.0.1:\(port)/db", name: "x"), logger: logger)
            } throws: { error in
                "\(error)".hasPrefix("cluster-database-url postgres://gw@127.0.0.1:\(port)/db: cannot connect")
            }
        }
    }
}
