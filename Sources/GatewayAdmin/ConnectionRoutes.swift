import GatewayCore
import Hummingbird

/// Listing, inspecting, closing and doexit of connections.
struct ConnectionRoutes<Context: RequestContext> {
    let connections: any AdminConnections
    let maxBodyBytes: Int

    static var limitRange: ClosedRange<Int> { 1...1000 }
    static var defaultLimit: Int { 100 }

    func register(on router: Router<Context>) {
        router.only(.get, "/connections", use: self.list)
        router.only(.post, "/connections/doexit", use: self.doexitAll)
        router.get("/connections/{id}", use: self.show)
        router.delete("/connections/{id}", use: self.close)
        router.methodNotAllowed("/connections/{id}", allowing: [.get, .delete])
        router.only(.post, "/connections/{id}/doexit", use: self.doexit)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let query = try request.query(allowing: ConnectionFilter.queryNames.union(["limit", "cursor"]))
        let page = try await self.connections.page(
            after: try Self.cursor(query["cursor"]),
            limit: try Self.limit(query["limit"]),
            filter: try ConnectionFilter(query: query)
        )
        return JSONResponse.make(ConnectionJSON.list(page))
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let id = try request.connectionID(context: context)
        _ = try request.query(allowing: [])
        guard let snapshot = try await self.connections.snapshot(of: id) else {
            throw Problem.notFound(id)
        }
        return JSONResponse.make(ConnectionJSON.one(snapshot))
    }

    @Sendable func close(_ request: Request, context: Context) async throws -> Response {
        let id = try request.connectionID(context: context)
        _ = try request.query(allowing: [])
        // A connection already closing is closed now all the same; closing sends nothing, so
        // nothing can be too large.
        switch try await self.connections.close(id) {
        case .sent, .closing, .tooLarge:
            return Response(status: .noContent)
        case .notFound:
            throw Problem.notFound(id)
        }
    }

    @Sendable func doexit(_ request: Request, context: Context) async throws -> Response {
        let id = try request.connectionID(context: context)
        _ = try request.query(allowing: [])
        let body = try await request.jsonBody(DoexitRequest.self, limit: self.maxBodyBytes) ?? DoexitRequest()
        let outcome = try await self.connections.doexit(id, data: body.data, grace: self.grace(body))
        if let problem = Problem(outcome, id: id) { throw problem }
        return try JSONResponse.make(AcceptedJSON(id: id, status: "doexit sent"), status: .accepted)
    }

    @Sendable func doexitAll(_ request: Request, context: Context) async throws -> Response {
        let filter = try ConnectionFilter(query: try request.query(allowing: ConnectionFilter.queryNames))
        let body = try await request.jsonBody(DoexitRequest.self, limit: self.maxBodyBytes) ?? DoexitRequest()
        let told = try await self.connections.doexitAll(data: body.data, grace: self.grace(body), filter: filter)
        return try JSONResponse.make(DoexitCountJSON(told: told), status: .accepted)
    }

    /// nil when the request names none: the gateway's `doexit-grace` then applies, as it stands
    /// after any reload.
    private func grace(_ body: DoexitRequest) -> Duration? {
        body.graceSeconds.map { .seconds($0) }
    }

    private static func limit(_ text: String?) throws -> Int {
        guard let text else { return Self.defaultLimit }
        guard let limit = Request.decimalUInt64(text).flatMap({ Int(exactly: $0) }), Self.limitRange.contains(limit) else {
            throw Problem.badRequest(
                "query parameter \"limit\" must be an integer in \(Self.limitRange.lowerBound)...\(Self.limitRange.upperBound), got \"\(text)\""
            )
        }
        return limit
    }

    private static func cursor(_ text: String?) throws -> ConnectionID? {
        guard let text else { return nil }
        guard let cursor = Request.decimalUInt64(text) else {
            throw Problem.badRequest("query parameter \"cursor\" must be a connection id, an unsigned 64-bit integer, got \"\(text)\"")
        }
        return cursor
    }
}
