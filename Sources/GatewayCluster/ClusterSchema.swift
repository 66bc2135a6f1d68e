/// The tables cluster mode keeps in PostgreSQL, as numbered migrations.
///
/// Every node applies the missing ones when it starts, under an advisory lock so nodes starting
/// together take turns; `gtcp-gateway cluster-schema` prints the same SQL for a DBA to apply.
/// A published migration never changes: a change is a new one at the end. Each statement is
/// idempotent, so the printed script may run twice.
public enum ClusterSchema {
    public static let name = "gtcp_gateway"

    /// Key of the advisory lock taken while migrating and while a node joins ("gtcp" in ASCII).
    static let lockKey: Int64 = 0x6774_6370

    public struct Migration: Sendable, Equatable {
        public var version: Int
        public var statements: [String]
    }

    public static let migrations: [Migration] = [
        Migration(
            version: 1,
            statements: [
                // Incarnations go in the high bits of connection ids (ConnectionIDLayout); 0 is a
                // single gateway's, so the sequence starts at 1 (migration 3 sets where it wraps).
                """
                CREATE SEQUENCE IF NOT EXISTS \(name).incarnations AS integer MINVALUE 1 MAXVALUE 1048575 CYCLE
                """,
                """
                CREATE TABLE IF NOT EXISTS \(name).nodes (
                    incarnation integer PRIMARY KEY,
                    name text NOT NULL,
                    started_at timestamptz NOT NULL DEFAULT now(),
                    lease_expires_at timestamptz NOT NULL
                )
                """,
                "CREATE INDEX IF NOT EXISTS nodes_name ON \(name).nodes (name)",
                """
                CREATE TABLE IF NOT EXISTS \(name).connections (
                    id bigint PRIMARY KEY,
                    incarnation integer NOT NULL REFERENCES \(name).nodes ON DELETE CASCADE,
                    remote_address text NOT NULL,
                    client_name text,
                    certificate_subject text,
                    connected_at timestamptz NOT NULL
                )
                """,
                "CREATE INDEX IF NOT EXISTS connections_incarnation ON \(name).connections (incarnation)",
                "CREATE INDEX IF NOT EXISTS connections_client_name ON \(name).connections (client_name)",
            ]
        ),
        Migration(
            version: 2,
            statements: [
                // Command bus messages too large for NOTIFY (8000 bytes), each read once and
                // deleted by its receiver; rows no node took are purged after a minute.
                """
                CREATE TABLE IF NOT EXISTS \(name).commands (
                    id bigserial PRIMARY KEY,
                    body text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now()
                )
                """
            ]
        ),
        Migration(
            version: 3,
            statements: [
                // Connection ids are stored as bigint and paged in id order, so they stay below
                // 2^63: the sequence wraps at 2^19 (ConnectionIDLayout.maxIncarnation, written out
                // because a published migration never changes). One already past that starts
                // again at 1; nodes holding such an incarnation take a fresh one when they restart.
                """
                DO $$ BEGIN
                    IF (SELECT last_value FROM \(name).incarnations) > 524287 THEN
                        ALTER SEQUENCE \(name).incarnations MAXVALUE 524287 RESTART;
                    ELSE
                        ALTER SEQUENCE \(name).incarnations MAXVALUE 524287;
                    END IF;
                END $$
                """
            ]
        ),
    ]

    /// Creates the schema unless it exists; a role that owns the schema but may not create
    /// schemas in the database passes, which `CREATE SCHEMA IF NOT EXISTS` would refuse.
    static let createSchema = """
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '\(name)') THEN
                CREATE SCHEMA \(name);
            END IF;
        END $$
        """

    static let createVersionTable = """
        CREATE TABLE IF NOT EXISTS \(name).schema_migrations (
            version integer PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """

    /// The whole schema as one script, for `gtcp-gateway cluster-schema`.
    public static var script: String {
        var lines = ["BEGIN;", "SELECT pg_advisory_xact_lock(\(lockKey));", createSchema + ";", createVersionTable + ";"]
        for migration in migrations {
            lines += migration.statements.map { $0 + ";" }
            lines.append(
                "INSERT INTO \(name).schema_migrations (version) VALUES (\(migration.version)) ON CONFLICT DO NOTHING;")
        }
        lines.append("COMMIT;")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Which migrations a database still needs, given the versions it records.
struct MigrationPlan: Equatable {
    var pending: [ClusterSchema.Migration]

    init(applied: Set<Int>, known: [ClusterSchema.Migration] = ClusterSchema.migrations) throws(ClusterSchemaError) {
        let newest = known.map(\.version).max() ?? 0
        if let unknown = applied.filter({ $0 > newest }).max() {
            throw ClusterSchemaError(
                "the database has cluster schema version \(unknown), newer than this gateway knows (\(newest)): "
                    + "upgrade the gateway")
        }
        pending = known.filter { !applied.contains($0.version) }.sorted { $0.version < $1.version }
    }
}

public struct ClusterSchemaError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
