import Foundation
import GatewayCore
import Logging
import PostgresNIO

/// What a node does before it serves anyone: bring the schema up to date and register under its
/// name with a fresh incarnation, on one connection of its own (the pool runs only later, inside
/// the service group, and the registry needs the incarnation before that).
enum ClusterJoin {
    static func join(_ configuration: ClusterConfiguration, logger: Logger) async throws(ClusterStartError) -> ClusterNode {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: try configuration.connectionConfiguration(), id: 1, logger: logger)
        } catch {
            throw ClusterStartError(
                "cluster-database-url \(configuration.database): cannot connect: \(DatabaseErrorText.describe(error))")
        }
        defer { Task { try? await connection.close() } }
        do {
            try await migrate(connection, logger: logger)
        } catch let error as ClusterSchemaError {
            throw ClusterStartError("cluster-database-url \(configuration.database): \(error)")
        } catch {
            throw ClusterStartError(
                "cluster-database-url \(configuration.database): cannot create the cluster schema: "
                    + DatabaseErrorText.describe(error))
        }
        do {
            return try await register(configuration, on: connection, logger: logger)
        } catch let error as ClusterStartError {
            throw error
        } catch {
            throw ClusterStartError(
                "cluster-database-url \(configuration.database): cannot register node \(configuration.nodeName): "
                    + DatabaseErrorText.describe(error))
        }
    }

    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        let schema = ClusterSchema.name
        try await inTransaction(connection, logger: logger) {
            try await connection.query("SELECT pg_advisory_xact_lock(\(ClusterSchema.lockKey))", logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: ClusterSchema.createSchema), logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: ClusterSchema.createVersionTable), logger: logger)
            var applied = Set<Int>()
            let rows = try await connection.query(
                "SELECT version FROM \(unescaped: schema).schema_migrations", logger: logger)
            for try await version in rows.decode(Int.self) {
                applied.insert(version)
            }
            for migration in try MigrationPlan(applied: applied).pending {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO \(unescaped: schema).schema_migrations (version) VALUES (\(migration.version))",
                    logger: logger)
                logger.info("cluster schema migrated to version \(migration.version)")
            }
        }
    }

    /// A name still held by a live incarnation may be this node's own before a crash: the join
    /// waits for that lease to lapse, and fails if the holder renews it meanwhile (another node
    /// runs under the same name).
    private static func register(
        _ configuration: ClusterConfiguration, on connection: PostgresConnection, logger: Logger
    ) async throws -> ClusterNode {
        let schema = ClusterSchema.name
        let leaseSeconds = configuration.lease.seconds
        var seen: (incarnation: Int, expires: Date)?
        while true {
            let outcome: RegistrationOutcome = try await inTransaction(connection, logger: logger) {
                try await connection.query("SELECT pg_advisory_xact_lock(\(ClusterSchema.lockKey))", logger: logger)
                try await connection.query(
                    "DELETE FROM \(unescaped: schema).nodes WHERE lease_expires_at < now()", logger: logger)
                let holders = try await connection.query(
                    """
                    SELECT incarnation, lease_expires_at, extract(epoch FROM lease_expires_at - now())::float8
                    FROM \(unescaped: schema).nodes WHERE name = \(configuration.nodeName)
                    """, logger: logger
                )
                    .collect()
                if let holder = holders.first {
                    let (incarnation, expires, remaining) = try holder.decode((Int, Date, Double).self)
                    return .held(incarnation: incarnation, expires: expires, remaining: remaining)
                }
                // Once the sequence has wrapped, a live node may still hold the next value: it is
                // skipped, so a long-lived node never stops others from joining.
                for _ in 0..<ConnectionIDLayout.maxIncarnation {
                    let rows = try await connection.query(
                        """
                        INSERT INTO \(unescaped: schema).nodes (incarnation, name, lease_expires_at)
                        VALUES (nextval('\(unescaped: schema).incarnations'), \(configuration.nodeName),
                                now() + make_interval(secs => \(leaseSeconds)))
                        ON CONFLICT (incarnation) DO NOTHING
                        RETURNING incarnation
                        """, logger: logger
                    ).collect()
                    guard let row = rows.first else { continue }
                    let incarnation = try row.decode(Int.self)
                    // Only a sequence changed by hand gives more: its ids would not be listed.
                    guard (1...Int(ConnectionIDLayout.maxIncarnation)).contains(incarnation) else {
                        throw ClusterStartError(
                            "the database gave node \(configuration.nodeName) incarnation \(incarnation), outside "
                                + "1...\(ConnectionIDLayout.maxIncarnation): restore the sequence "
                                + "\(schema).incarnations (gtcp-gateway cluster-schema prints it)")
                    }
                    return .registered(UInt32(incarnation))
                }
                throw ClusterStartError("every incarnation is held by a live node")
            }
            switch outcome {
            case .registered(let incarnation):
                let node = ClusterNode(name: configuration.nodeName, incarnation: incarnation)
                logger.info("joined the cluster as \(node)")
                return node
            case .held(let incarnation, let expires, let remaining):
                if let seen, seen.incarnation == incarnation, expires > seen.expires {
                    throw ClusterStartError(
                        "node-name \(configuration.nodeName) is in use by a live node (incarnation \(incarnation)): "
                            + "give each gateway its own node-name")
                }
                let seconds = Int(remaining.rounded(.up))
                logger.notice(
                    "node-name \(configuration.nodeName) is held by incarnation \(incarnation) for \(seconds)s more; waiting for its lease to lapse (a restart after a crash) or to be renewed (a clash)"
                )
                seen = (incarnation, expires)
                try await Task.sleep(for: .milliseconds(Int(max(remaining, 0) * 1000) + 200))
            }
        }
    }

    private enum RegistrationOutcome: Sendable {
        case registered(UInt32)
        case held(incarnation: Int, expires: Date, remaining: Double)
    }

    /// BEGIN, `body`, COMMIT; ROLLBACK when `body` throws, whose error is rethrown as it is.
    private static func inTransaction<Result: Sendable>(
        _ connection: PostgresConnection, logger: Logger, _ body: () async throws -> Result
    ) async throws -> Result {
        try await connection.query("BEGIN", logger: logger)
        do {
            let result = try await body()
            try await connection.query("COMMIT", logger: logger)
            return result
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
    }
}

/// Why a node could not join the cluster, naming the setting to look at.
public struct ClusterStartError: Error, Sendable, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
