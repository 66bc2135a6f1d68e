import GatewayCore
import GtcpWire
import Hummingbird

/// Pushing messages to one connection or to every matching one.
struct MessageRoutes<Context: RequestContext> {
    let connections: any AdminConnections
    let maxBodyBytes: Int

    func register(on router: Router<Context>) {
        router.post("/connections/{id}/messages", use: self.push)
        router.methodNotAllowed("/connections/{id}/messages", allowing: [.post])
        router.post("/messages", use: self.broadcast)
        router.methodNotAllowed("/messages", allowing: [.post])
    }

    @Sendable func push(_ request: Request, context: Context) async throws -> Response {
        let id = try request.connectionID(context: context)
        _ = try request.query(allowing: [])
        let msg = try await self.message(request)
        if let problem = Problem(try await self.connections.push(msg, to: id), id: id) {
            throw problem
        }
        return try JSONResponse.make(AcceptedJSON(id: id, status: "sent"), status: .accepted)
    }

    @Sendable func broadcast(_ request: Request, context: Context) async throws -> Response {
        let filter = try ConnectionFilter(query: try request.query(allowing: ConnectionFilter.queryNames))
        let msg = try await self.message(request)
        let sent = try await self.connections.broadcast(msg, filter: filter)
        return try JSONResponse.make(MessageCountJSON(sent: sent), status: .accepted)
    }

    private func message(_ request: Request) async throws -> Msg {
        guard let body = try await request.jsonBody(MessageRequest.self, limit: self.maxBodyBytes) else {
            throw Problem.badRequest("request body is required: {\"act\": \"...\", \"data\": \"...\"}")
        }
        if let problem = ActName.validationError(body.act) {
            throw Problem.badRequest(problem)
        }
        return Msg(act: body.act, data: body.data)
    }
}
