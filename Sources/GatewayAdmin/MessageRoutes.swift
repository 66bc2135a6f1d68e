import GatewayCore
import GtcpWire
import Hummingbird

/// Sending messages to clients: pushed to one connection or to every matching one, or sent to
/// one connection as a request answered with the client's reply.
struct MessageRoutes<Context: RequestContext> {
    let connections: any AdminConnections
    let maxBodyBytes: Int

    func register(on router: Router<Context>) {
        router.only(.post, "/connections/{id}/messages", use: self.push)
        router.only(.post, "/connections/{id}/requests", use: self.request)
        router.only(.post, "/messages", use: self.broadcast)
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

    @Sendable func request(_ request: Request, context: Context) async throws -> Response {
        let id = try request.connectionID(context: context)
        _ = try request.query(allowing: [])
        let body = try await self.body(ExchangeRequest.self, of: request) { [$0.act, $0.replyAct] }
        let outcome = try await self.connections.request(
            Msg(act: body.act, data: body.data),
            to: id,
            replyAct: body.replyAct,
            timeout: .milliseconds(body.timeoutMs)
        )
        if let problem = Problem(outcome, id: id, replyAct: body.replyAct, timeoutMs: body.timeoutMs) {
            throw problem
        }
        guard case .answered(let answer) = outcome else {
            preconditionFailure("every outcome but an answer is a problem")
        }
        return try JSONResponse.make(AnswerJSON(id: id, act: answer.act, data: answer.data))
    }

    private func message(_ request: Request) async throws -> Msg {
        let body = try await self.body(MessageRequest.self, of: request) { [$0.act] }
        return Msg(act: body.act, data: body.data)
    }

    /// The request's JSON body, required, with every act it names valid.
    private func body<Body: Decodable>(
        _ type: Body.Type,
        of request: Request,
        acts: (Body) -> [String]
    ) async throws -> Body {
        guard let body = try await request.jsonBody(Body.self, limit: self.maxBodyBytes) else {
            throw Problem.badRequest("request body is required: {\"act\": \"...\", \"data\": \"...\"}")
        }
        for act in acts(body) {
            if let problem = ActName.validationError(act) {
                throw Problem.badRequest(problem)
            }
        }
        return body
    }
}
