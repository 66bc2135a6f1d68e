import Foundation
import GatewayCore
import Testing

@testable import GatewayCluster

@Suite struct PendingDirectoryTests {
    private func entry(_ id: ConnectionID, name: String? = nil) -> DirectoryEntry {
        DirectoryEntry(
            id: id, remoteAddress: "127.0.0.1:\(id)", clientName: name, clientCertificateSubject: nil,
            connectedAt: Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test func keepsTheLastWordOnEachConnection() {
        var pending = PendingDirectory()
        pending.upsert(entry(1))
        pending.upsert(entry(1, name: "sensor-7"))
        pending.upsert(entry(2))
        pending.remove(3)
        let batch = pending.take()
        #expect(batch.upserts.sorted { $0.id < $1.id } == [entry(1, name: "sensor-7"), entry(2)])
        #expect(batch.removals == [3])
        #expect(pending.take().isEmpty)
    }

    /// A rewrite may have recorded a connection between its arrival and its departure, so a
    /// departure never cancels out to nothing.
    @Test func connectionThatCameAndWentLeavesARemoval() {
        var pending = PendingDirectory()
        pending.upsert(entry(5))
        pending.remove(5)
        #expect(pending.take() == DirectoryBatch(upserts: [], removals: [5]))
    }

    @Test func chunksSplitRowsIntoStatementsOfAtMostTheLimit() {
        let rows = Array(1...1201)
        #expect(rows.chunks(of: 500).map(\.count) == [500, 500, 201])
        #expect([Int]().chunks(of: 500).isEmpty)
    }
}

@Suite struct DirectoryHealthTests {
    @Test func logsStaleOncePerIntervalAndCurrentOnce() {
        let start = ContinuousClock.now
        var health = DirectoryHealth<ContinuousClock.Instant>(logInterval: .seconds(10))
        #expect(health.succeeded() == .none)
        #expect(health.failed(at: start) == .logStale(since: start))
        #expect(health.failed(at: start + .seconds(3)) == .none)
        #expect(health.isStale)
        #expect(health.failed(at: start + .seconds(10)) == .logStale(since: start))
        #expect(health.succeeded() == .logCurrent)
        #expect(!health.isStale)
        #expect(health.failed(at: start + .seconds(11)) == .logStale(since: start + .seconds(11)))
    }
}

@Suite struct MigrationPlanTests {
    private let known = [
        ClusterSchema.Migration(version: 1, statements: ["a"]),
        ClusterSchema.Migration(version: 2, statements: ["b"]),
    ]

    @Test func freshDatabaseGetsEveryMigrationInOrder() throws {
        #expect(try MigrationPlan(applied: [], known: known.reversed()).pending.map(\.version) == [1, 2])
    }

    @Test func appliedMigrationsAreSkipped() throws {
        #expect(try MigrationPlan(applied: [1], known: known).pending.map(\.version) == [2])
        #expect(try MigrationPlan(applied: [1, 2], known: known).pending.isEmpty)
    }

    @Test func databaseNewerThanTheGatewayIsRefused() {
        #expect(throws: ClusterSchemaError.self) { try MigrationPlan(applied: [1, 2, 3], known: known) }
    }

    @Test func scriptAppliesEveryMigrationUnderTheLockInOneTransaction() {
        let script = ClusterSchema.script
        #expect(script.hasPrefix("BEGIN;\nSELECT pg_advisory_xact_lock("))
        #expect(script.hasSuffix("COMMIT;\n"))
        #expect(script.contains("CREATE TABLE IF NOT EXISTS gtcp_gateway.connections"))
        #expect(script.contains("VALUES (1) ON CONFLICT DO NOTHING;"))
    }
}

@Suite struct ClusterDatabaseURLTests {
    @Test func readsUserHostPortDatabaseAndTLS() throws {
        let url = try ClusterDatabaseURL(parsing: "postgres://gateway@db.example:6432/fleet?sslmode=require")
        #expect(url.username == "gateway")
        #expect(url.host == "db.example")
        #expect(url.port == 6432)
        #expect(url.database == "fleet")
        #expect(url.tls == .require)
        #expect(url.description == "postgres://gateway@db.example:6432/fleet?sslmode=require")
    }

    @Test func defaultsToPort5432WithoutTLSAndTakesIPv6() throws {
        let url = try ClusterDatabaseURL(parsing: "postgresql://gateway@[::1]/fleet")
        #expect(url.host == "::1")
        #expect(url.port == 5432)
        #expect(url.tls == .disable)
        #expect(url.description == "postgres://gateway@[::1]:5432/fleet")
    }

    @Test(arguments: [
        ("disable", ClusterDatabaseURL.TLSMode.disable), ("require", .require), ("verify-ca", .verifyCA),
        ("verify-full", .verifyFull),
    ])
    func readsEachLibpqSSLModeAndPrintsItBack(mode: String, tls: ClusterDatabaseURL.TLSMode) throws {
        let url = try ClusterDatabaseURL(parsing: "postgres://gateway@db/fleet?sslmode=\(mode)&sslrootcert=/etc/ca.pem")
        #expect(url.tls == tls)
        #expect(url.rootCertificatePath == "/etc/ca.pem")
        #expect(try ClusterDatabaseURL(parsing: url.description) == url)
        #expect(url.description.contains("sslmode=\(mode)") == (tls != .disable))
    }

    @Test func warnsOfPlainTextOnlyOffThisMachine() throws {
        let remote = try ClusterDatabaseURL(parsing: "postgres://gateway@db.example/fleet")
        #expect(
            remote.plainTextWarning
                == "cluster-database-url postgres://gateway@db.example:5432/fleet is reached in plain text (sslmode "
                + "disable, the default): the directory and cluster commands, pushed messages included, cross the "
                + "network unencrypted; add sslmode=verify-full, with sslrootcert=CA.pem unless a system root signed "
                + "the server's certificate")
        for quiet in [
            "postgres://gateway@db.example/fleet?sslmode=require", "postgres://gateway@127.0.0.1/fleet",
            "postgres://gateway@localhost/fleet", "postgres://gateway@[::1]/fleet",
        ] {
            #expect(try ClusterDatabaseURL(parsing: quiet).plainTextWarning == nil, "\(quiet)")
        }
    }

    @Test(arguments: [
        ("http://gateway@db/fleet", "must look like"),
        ("postgres://gateway:secret@db/fleet", "must not hold a password"),
        ("postgres://db/fleet", "names no user"),
        ("postgres://gateway@db", "names no database"),
        ("postgres://gateway@db/fleet?sslmode=maybe", "sslmode must be"),
        ("postgres://gateway@db/fleet?sslmode=prefer", "verify-ca or verify-full, got \"prefer\""),
        ("postgres://gateway@db/fleet?sslmode=allow", "got \"allow\""),
        ("postgres://gateway@db/fleet?pool=3", "unknown parameter \"pool\""),
    ])
    func refusesWhatItCannotUse(text: String, reason: String) {
        #expect {
            try ClusterDatabaseURL(parsing: text)
        } throws: { error in
            let reason2 = (error as? ClusterDatabaseURLError)?.reason ?? ""
            return reason2.contains(reason) && !reason2.contains("secret")
        }
    }
}
