import CoreMetrics
import GatewayAdmin
import GatewayCore
import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle

/// A node of the cluster, joined: its registry issues cluster-unique ids and reports to the
/// directory, and its services keep the database pool, the lease and the directory going.
public struct Cluster: Sendable {
    public let node: ClusterNode
    /// The registry the gateway must use: its ids carry this node's incarnation.
    public let registry: ConnectionRegistry
    /// The pool, for the command bus too; a service of the group, so it runs only inside it.
    public let client: PostgresClient
    public let directory: ClusterDirectory
    /// In start order: the pool, then the membership; the group shuts them down in reverse.
    public let services: [any Service]

    /// How long a cluster-wide admin call waits for the database before answering 503.
    public static let directoryDeadline: Duration = .seconds(3)

    /// Migrates the schema and registers this node, before anything listens; fails with an
    /// error naming the setting when that cannot be done.
    public static func join(
        _ configuration: ClusterConfiguration, group: any EventLoopGroup, metrics factory: any MetricsFactory,
        logger: Logger
    ) async throws(ClusterStartError) -> Cluster {
        let node = try await ClusterJoin.join(configuration, logger: logger)
        let client = PostgresClient(
            configuration: configuration.clientConfiguration(), eventLoopGroup: group, backgroundLogger: logger)
        let changes = DirectoryChanges()
        let registry = ConnectionRegistry(group: group, incarnation: node.incarnation, directory: changes)
        let membership = ClusterMembership(
            client: client, node: node, lease: configuration.lease, changes: changes, registry: registry,
            metrics: ClusterMetrics(factory: factory), logger: logger)
        return Cluster(
            node: node,
            registry: registry,
            client: client,
            directory: ClusterDirectory(
                client: client, node: node, database: configuration.database, deadline: directoryDeadline,
                logger: logger),
            services: [client, membership]
        )
    }

    /// What the admin API serves in cluster mode.
    public func connections(commands: (any ClusterCommandRouting)?) -> ClusterConnections {
        ClusterConnections(registry: registry, directory: directory, commands: commands)
    }

    public var nodes: any AdminCluster { ClusterNodes(directory: directory) }
}
