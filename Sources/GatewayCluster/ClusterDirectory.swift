import Foundation
import GatewayAdmin
import GatewayCore
import Logging
import PostgresNIO

/// The read side of the directory: other nodes' connections and the nodes themselves, as the
/// admin API asks for them. Rows of a node whose lease lapsed are never returned, purged or not.
///
/// Every call has a deadline; a database that does not answer in time, or fails, makes it throw
/// ``ClusterUnavailable``, which the admin API turns into a 503.
public struct ClusterDirectory: Sendable {
    let client: PostgresClient
    /// This node: its own connections come from its registry, never from here.
    public let node: ClusterNode
    let database: ClusterDatabaseURL
    let deadline: Duration
    let logger: Logger

    private static let schema = ClusterSchema.name

    /// A page of the connections of other live nodes, in id order, after `cursor`.
    func page(after cursor: ConnectionID?, limit: Int, filter: ConnectionFilter) async throws -> ConnectionPage {
        let me = Int(node.incarnation)
        // `select` and `tail` are this type's own text; only the filter's values are bound.
        @Sendable func matching(_ select: String, _ tail: String) -> PostgresQuery {
            let name = filter.clientName?.storableText
            let address = filter.remoteAddress?.storableText
            let nodeName = filter.node?.storableText
            return """
                SELECT \(unescaped: select)
                FROM \(unescaped: Self.schema).connections c JOIN \(unescaped: Self.schema).nodes n USING (incarnation)
                WHERE n.lease_expires_at > now() AND c.incarnation <> \(me)
                  AND (\(name)::text IS NULL OR c.client_name = \(name))
                  AND (\(address)::text IS NULL OR c.remote_address = \(address)
                       OR left(c.remote_address, length(\(address)) + 1) = \(address) || ':')
                  AND (\(nodeName)::text IS NULL OR n.name = \(nodeName))
                \(unescaped: tail)
                """
        }
        // A cursor past Int64.max (any UInt64 is accepted) finds nothing rather than trapping.
        let after = Int64(clamping: cursor ?? 0)
        let (total, rows) = try await run { client, logger in
            let counted = try await client.query(matching("count(*)", ""), logger: logger).collect()
            let rows = try await client.query(
                matching(
                    "c.id, c.remote_address, c.client_name, c.certificate_subject, c.connected_at, n.name",
                    "AND c.id > \(after) ORDER BY c.id LIMIT \(limit + 1)"),
                logger: logger
            ).collect()
            return (try counted.first?.decode(Int.self) ?? 0, try rows.map(Self.snapshot))
        }
        let more = rows.count > limit
        let kept = Array(rows.prefix(limit))
        return ConnectionPage(total: total, connections: kept, next: more ? kept.last?.id : nil)
    }

    /// The live node of `incarnation`; nil when it is gone (crashed, stopped or partitioned away).
    func liveNode(incarnation: UInt32) async throws -> ClusterNode? {
        try await liveNodes().first { $0.incarnation == incarnation }
    }

    /// Every live node but this one.
    func otherLiveNodes() async throws -> [ClusterNode] {
        try await liveNodes().filter { $0.incarnation != node.incarnation }
    }

    private func liveNodes() async throws -> [ClusterNode] {
        try await run { client, logger in
            try await client.query(
                """
                SELECT name, incarnation FROM \(unescaped: Self.schema).nodes
                WHERE lease_expires_at > now() ORDER BY name
                """, logger: logger
            ).collect().map {
                let (name, incarnation) = try $0.decode((String, Int).self)
                return ClusterNode(name: name, incarnation: UInt32(incarnation))
            }
        }
    }

    /// Every node the table holds, lapsed ones too until they are purged, by name.
    func nodes() async throws -> [ClusterNodeInfo] {
        let me = node.incarnation
        return try await run { client, logger in
            try await client.query(
                """
                SELECT n.name, n.incarnation, n.started_at, n.lease_expires_at, n.lease_expires_at > now(),
                       (SELECT count(*) FROM \(unescaped: Self.schema).connections c WHERE c.incarnation = n.incarnation)
                FROM \(unescaped: Self.schema).nodes n ORDER BY n.name, n.incarnation
                """, logger: logger
            ).collect().map {
                let (name, incarnation, startedAt, expires, live, count) = try $0.decode(
                    (String, Int, Date, Date, Bool, Int).self)
                return ClusterNodeInfo(
                    name: name, incarnation: UInt32(incarnation), startedAt: startedAt, leaseExpiresAt: expires,
                    isLive: live, connections: count, isSelf: UInt32(incarnation) == me)
            }
        }
    }

    private static func snapshot(_ row: PostgresRow) throws -> ConnectionSnapshot {
        let (id, remoteAddress, clientName, subject, connectedAt, node) = try row.decode(
            (Int64, String, String?, String?, Date, String).self)
        // The directory holds no counters: they are the owning node's to tell.
        return ConnectionSnapshot(
            id: ConnectionID(bitPattern: id), remoteAddress: remoteAddress, clientName: clientName,
            clientCertificateSubject: subject, connectedAt: connectedAt, lastActiveAt: connectedAt, packetsIn: 0,
            packetsOut: 0, bytesIn: 0, bytesOut: 0, inFlight: 0, isClosing: false, node: node)
    }

    /// `body` within the deadline; any failure becomes ``ClusterUnavailable``.
    private func run<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresClient, Logger) async throws -> Result
    ) async throws(ClusterUnavailable) -> Result {
        let client = self.client
        let logger = self.logger
        do {
            return try await withDeadline(deadline) { try await body(client, logger) }
        } catch {
            throw ClusterUnavailable(
                detail: "the cluster directory at \(database) is unavailable: \(DatabaseErrorText.describe(error))")
        }
    }
}

extension String {
    /// PostgreSQL text cannot hold NUL, which a client may put in its hello: such a name is
    /// stored, and looked up, with U+FFFD in its place.
    var storableText: String {
        contains("\u{0}") ? String(map { $0 == "\u{0}" ? "\u{FFFD}" : $0 }) : self
    }
}
