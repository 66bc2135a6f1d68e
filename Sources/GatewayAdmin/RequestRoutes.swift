import GatewayCore
import GtcpWire
import Hummingbird

/// Sending a message to one connection and answering with the client's reply.
struct RequestRoutes<Context: RequestContext> {
    let connections: any AdminConnections
    let maxBodyBytes: Int

    func register(on router: Router<Context>) {
        router.post("/connections/{id}/requests", use: self.request)
        router.methodNotAllowed("/connections/{id}/requests", allowing: [.post])
    }

    @Sendable func request(_ request: Request, context: Context) async throws -> Response {
        let id = try request.connectionID(context: context)
        _ = try request.query(allowing: [])
        guard let body = try await request.jsonBody(ExchangeRequest.self, limit: self.maxBodyBytes) else {
            throw Problem.badRequest("request body is required: {\"act\": \"...\", \"data\": \"...\"}")
        }
        for act in [body.act, body.replyAct] {
            if let problem = ActName.validationError(act) {
                throw Problem.badRequest(problem)
            }
        }
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
}
