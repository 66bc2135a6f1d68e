import Foundation
import GatewayCore
import Hummingbird

/// An RFC 9457 problem document: the one shape of every error the admin API answers.
struct Problem: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let detail: String
    var headers: HTTPFields = [:]

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        let document = Document(title: self.status.reasonPhrase, status: self.status.code, detail: self.detail)
        return Response(
            status: self.status,
            headers: headers,
            body: ResponseBody(byteBuffer: try JSONResponse.encode(document))
        )
    }

    private struct Document: Encodable {
        let type = "about:blank"
        let title: String
        let status: Int
        let detail: String
    }
}

extension Problem {
    static func badRequest(_ detail: String) -> Problem {
        Problem(status: .badRequest, detail: detail)
    }

    static func notFound(_ id: ConnectionID) -> Problem {
        Problem(status: .notFound, detail: "no connection with id \(id)")
    }

    static func closing(_ id: ConnectionID) -> Problem {
        Problem(status: .conflict, detail: "connection \(id) is closing")
    }

    static func tooLarge(_ detail: String) -> Problem {
        Problem(status: .contentTooLarge, detail: detail)
    }

    static func unavailable(_ cause: ClusterUnavailable) -> Problem {
        Problem(status: .serviceUnavailable, detail: cause.detail)
    }
}

extension Problem {
    /// The problem a request outcome other than `.answered` stands for.
    init?(_ outcome: RequestOutcome, id: ConnectionID, replyAct: String, timeoutMs: Int) {
        switch outcome {
        case .answered: return nil
        case .notFound: self = .notFound(id)
        case .closing: self = .closing(id)
        case .tooLarge(let framingError): self = .tooLarge(framingError)
        case .tooManyWaiting(let limit):
            self = Problem(
                status: .tooManyRequests,
                detail: "connection \(id) already has \(limit) requests waiting for answers")
        case .timedOut:
            self = Problem(
                status: .gatewayTimeout,
                detail: "connection \(id) sent no \(replyAct) message within \(timeoutMs)ms")
        case .connectionClosed:
            self = Problem(status: .badGateway, detail: "connection \(id) closed before answering")
        }
    }
}

extension Problem {
    /// The problem a registry outcome other than `.sent` stands for.
    init?(_ outcome: PushOutcome, id: ConnectionID) {
        switch outcome {
        case .sent: return nil
        case .notFound: self = .notFound(id)
        case .closing: self = .closing(id)
        case .tooLarge(let framingError): self = .tooLarge(framingError)
        }
    }
}
