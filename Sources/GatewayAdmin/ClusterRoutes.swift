import GatewayCore
import Hummingbird

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
        return try JSONResponse.make(NodesJSON(nodes: nodes))
    }
}

struct NodesJSON: Encodable {
    let nodes: [ClusterNodeInfo]
}
