import Foundation
import GatewayCore
import Logging
import NIOConcurrencyHelpers
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Keeps this node in the cluster: renews its lease, purges nodes whose lease lapsed, and
/// writes its connections to the directory in batches. On graceful shutdown it leaves, so its
/// rows go at once rather than when the lease lapses.
///
/// Nothing here is on the data path: connections only record changes in ``DirectoryChanges``.
/// When a write or a renewal fails the node's part of the directory is stale; once the database
/// answers again the node rewrites all of it from its registry, since changes were lost meanwhile.
final class ClusterMembership: Service {
    private let client: PostgresClient
    private let node: ClusterNode
    private let lease: Duration
    private let changes: DirectoryChanges
    private let registry: ConnectionRegistry
    private let metrics: ClusterMetrics
    private let logger: Logger
    private let flushInterval: Duration
    private let maxRowsPerStatement: Int
    private let needsRewrite = Atomic(false)
    private let health: NIOLockedValueBox<DirectoryHealth<ContinuousClock.Instant>>

    private static let schema = ClusterSchema.name

    init(
        client: PostgresClient, node: ClusterNode, lease: Duration, changes: DirectoryChanges,
        registry: ConnectionRegistry, metrics: ClusterMetrics, logger: Logger,
        flushInterval: Duration = .milliseconds(100), maxRowsPerStatement: Int = 500
    ) {
        self.client = client
        self.node = node
        self.lease = lease
        self.changes = changes
        self.registry = registry
        self.metrics = metrics
        self.logger = logger
        self.flushInterval = flushInterval
        self.maxRowsPerStatement = maxRowsPerStatement
        self.health = NIOLockedValueBox(DirectoryHealth(logInterval: lease))
        metrics.directoryStale.record(0)
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.keepLease() }
                group.addTask { await self.writeDirectory() }
            }
        }
        await leave()
    }

    // MARK: Lease

    /// Renews three times per lease, so one slow renewal does not lose it.
    private func keepLease() async {
        while !Task.isCancelled {
            do {
                try await withDeadline(lease / 3) { [self] in try await renewLease() }
                metrics.leaseRenewals.increment()
                succeeded()
            } catch {
                failed("renewing the lease", error)
            }
            try? await Task.sleep(for: lease / 3)
        }
    }

    private func renewLease() async throws {
        let seconds = lease.seconds
        let me = Int(node.incarnation)
        let renewed = try await client.withConnection { connection in
            let renewed = try await connection.query(
                """
                UPDATE \(unescaped: Self.schema).nodes SET lease_expires_at = now() + make_interval(secs => \(seconds))
                WHERE incarnation = \(me) RETURNING 1
                """, logger: logger
            ).collect()
            try await connection.query(
                "DELETE FROM \(unescaped: Self.schema).nodes WHERE lease_expires_at < now()", logger: logger)
            return !renewed.isEmpty
        }
        if !renewed {
            // Purged by another node while this one could not renew: rejoin with everything.
            logger.warning("this node's lease lapsed and its directory rows were purged; writing them again")
            needsRewrite.store(true, ordering: .relaxed)
        }
    }

    /// Deregisters, which takes this node's rows with it.
    private func leave() async {
        let me = Int(node.incarnation)
        do {
            try await withDeadline(.seconds(2)) { [self] in
                try await client.withConnection { connection in
                    _ = try await connection.query(
                        "DELETE FROM \(unescaped: Self.schema).nodes WHERE incarnation = \(me)", logger: logger)
                }
            }
            logger.info("left the cluster")
        } catch {
            logger.warning(
                "could not leave the cluster, other nodes drop this one when its lease lapses: \(DatabaseErrorText.describe(error))")
        }
    }

    // MARK: Directory

    private func writeDirectory() async {
        var retryAt = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: flushInterval)
            if needsRewrite.load(ordering: .relaxed) {
                guard ContinuousClock.now >= retryAt else { continue }
                // A failure while the rewrite runs asks for another, which this must not clear.
                needsRewrite.store(false, ordering: .relaxed)
                if await settle("rewriting the directory", { try await self.rewrite() }) {
                    succeeded()
                } else {
                    retryAt = .now + .seconds(1)
                }
                continue
            }
            let batch = changes.take()
            guard !batch.isEmpty else { continue }
            if await settle("writing \(batch.rowCount) directory changes", { try await self.write(batch) }) {
                succeeded()
            } else {
                retryAt = .now + .seconds(1)
            }
        }
    }

    /// Runs one directory write within the lease; true when it committed. One that overruns is
    /// reported at once but waited out before the next starts: committed late, its older view of
    /// the registry would land over a newer one and leave rows of closed connections behind.
    /// Only shutdown stops the wait (the node leaves, and a row written after that lapses with
    /// its lease).
    private func settle(_ what: String, _ operation: @escaping @Sendable () async throws -> Void) async -> Bool {
        let work = Task { try await operation() }
        do {
            try await withDeadline(lease) { try await work.value }
            return true
        } catch {
            failed(what, error)
            work.cancel()
            let (ended, end) = AsyncStream<Never>.makeStream()
            Task {
                _ = await work.result
                end.finish()
            }
            for await _ in ended {}
            return false
        }
    }

    private func write(_ batch: DirectoryBatch) async throws {
        let started = ContinuousClock.now
        try await client.withConnection { connection in
            try await self.upsert(batch.upserts, on: connection)
            for chunk in batch.removals.chunks(of: maxRowsPerStatement) {
                let ids = chunk.map { Int64(bitPattern: $0) }
                try await connection.query(
                    "DELETE FROM \(unescaped: Self.schema).connections WHERE id = ANY(\(ids))", logger: logger)
            }
        }
        metrics.rowsWritten.increment(by: batch.rowCount)
        metrics.batchRows.record(batch.rowCount)
        metrics.batchDuration.recordNanoseconds(Int64((ContinuousClock.now - started).seconds * 1e9))
    }

    /// Replaces this node's rows with its registry's connections, re-creating its node row if
    /// it was purged. Changes recorded before the registry is read are dropped (the registry
    /// has them); those after are written next, and writing a change twice does no harm.
    private func rewrite() async throws {
        _ = changes.take()
        let entries = await registry.directoryEntries()
        let seconds = lease.seconds
        let me = Int(node.incarnation)
        let name = node.name
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query(
                """
                INSERT INTO \(unescaped: Self.schema).nodes (incarnation, name, lease_expires_at)
                VALUES (\(me), \(name), now() + make_interval(secs => \(seconds)))
                ON CONFLICT (incarnation) DO UPDATE SET lease_expires_at = EXCLUDED.lease_expires_at
                """, logger: logger)
            try await connection.query(
                "DELETE FROM \(unescaped: Self.schema).connections WHERE incarnation = \(me)", logger: logger)
            try await self.upsert(entries, on: connection)
        }
        metrics.rewrites.increment()
        metrics.rowsWritten.increment(by: entries.count)
        logger.info("cluster directory rewritten with this node's \(entries.count) connections")
    }

    /// One statement per `maxRowsPerStatement` rows, each entry's fields as bound arrays.
    private func upsert(_ entries: [DirectoryEntry], on connection: PostgresConnection) async throws {
        let me = Int(node.incarnation)
        for chunk in entries.chunks(of: maxRowsPerStatement) {
            let ids = chunk.map { Int64(bitPattern: $0.id) }
            let addresses = chunk.map(\.remoteAddress)
            // Arrays cannot bind NULL elements, so each optional text comes with a flag.
            let hasName = chunk.map { $0.clientName != nil }
            let names = chunk.map { ($0.clientName ?? "").storableText }
            let hasSubject = chunk.map { $0.clientCertificateSubject != nil }
            let subjects = chunk.map { ($0.clientCertificateSubject ?? "").storableText }
            let connectedAt = chunk.map(\.connectedAt)
            try await connection.query(
                """
                INSERT INTO \(unescaped: Self.schema).connections
                    (id, incarnation, remote_address, client_name, certificate_subject, connected_at)
                SELECT id, \(me), address, CASE WHEN has_name THEN name END,
                       CASE WHEN has_subject THEN subject END, connected_at
                FROM unnest(\(ids)::bigint[], \(addresses)::text[], \(hasName)::bool[], \(names)::text[],
                            \(hasSubject)::bool[], \(subjects)::text[], \(connectedAt)::timestamptz[])
                    AS t(id, address, has_name, name, has_subject, subject, connected_at)
                ON CONFLICT (id) DO UPDATE SET client_name = EXCLUDED.client_name,
                    certificate_subject = EXCLUDED.certificate_subject
                """, logger: logger)
        }
    }

    // MARK: Health

    private func succeeded() {
        guard !needsRewrite.load(ordering: .relaxed) else { return }
        if health.withLockedValue({ $0.succeeded() }) == .logCurrent {
            metrics.directoryStale.record(0)
            logger.notice("cluster directory is current again")
        }
    }

    /// Whatever failed, changes may have been lost meanwhile: the directory is rewritten.
    private func failed(_ what: String, _ error: any Error) {
        needsRewrite.store(true, ordering: .relaxed)
        metrics.databaseErrors.increment()
        metrics.directoryStale.record(1)
        if case .logStale(let since) = health.withLockedValue({ $0.failed(at: .now) }) {
            let seconds = Int((ContinuousClock.now - since).seconds)
            let reason = DatabaseErrorText.describe(error)
            logger.error(
                "cluster directory is stale (for \(seconds)s): \(what) failed: \(reason); clients are served as usual, cluster-wide admin calls answer 503"
            )
        }
    }
}

extension Duration {
    /// The duration in seconds, fractions included.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

extension Array {
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
