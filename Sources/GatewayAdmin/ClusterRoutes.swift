import GatewayCore
import Hummingbird
import SettingsText

/// `GET /cluster/nodes`: the nodes of the cluster with their lease state and connection counts;
/// on a single gateway (no cluster) a 404 that says why.
struct ClusterRoutes<Context: RequestContext> {
    let cluster: (any AdminCluster)?

    func register(on router: Router<Context>) {
        router.only(.get, "/cluster/nodes", use: self.nodes)
    }

    @Sendable func nodes(_ request: Request, context: Context) async throws -> Response {
        _ = try request.query(allowing: [])
        guard let cluster else {
            throw Problem(status: .notFound, detail: "this gateway is not in cluster mode (no cluster-database-url)")
        }
        let nodes = try await cluster.nodes()
        return try JSONResponse.make(NodesJSON(nodes: nodes.map(NodeJSON.init)))
    }
}

struct NodesJSON: Encodable {
    let nodes: [NodeJSON]
}

struct NodeJSON: Encodable {
    let name: String
    let incarnation: UInt32
    let startedAt: String
    let leaseExpiresAt: String
    let live: Bool
    let connections: Int
    /// The node that answered.
    let isSelf: Bool

    private enum CodingKeys: String, CodingKey {
        case name, incarnation, startedAt, leaseExpiresAt, live, connections
        case isSelf = "self"
    }

    init(_ node: ClusterNodeInfo) {
        self.name = node.name
        self.incarnation = node.incarnation
        self.startedAt = UTCTimestamp.string(node.startedAt)
        self.leaseExpiresAt = UTCTimestamp.string(node.leaseExpiresAt)
        self.live = node.isLive
        self.connections = node.connections
        self.isSelf = node.isSelf
    }
}
