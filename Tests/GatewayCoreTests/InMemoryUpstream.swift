import GatewayUpstream
import NIOConcurrencyHelpers

/// An `Upstream` whose backend is a closure: what it returns is what the HTTP backend would
/// have made of the request. Answers come from a task of their own, as from a real upstream's
/// thread, so Core's forwarding, ordering and caps are tested without HTTP.
final class InMemoryUpstream: Upstream {
    typealias Answer = @Sendable (UpstreamRequest) async -> UpstreamOutcome

    private let answer: Answer
    private let routes: @Sendable (String) -> Bool
    private let running = NIOLockedValueBox(0)

    init(handles routes: @escaping @Sendable (String) -> Bool = { _ in true }, answer: @escaping Answer) {
        self.answer = answer
        self.routes = routes
    }

    /// Answers each act with its own data, after `before` returns.
    static func echo(before: @escaping @Sendable () async -> Void = {}) -> InMemoryUpstream {
        InMemoryUpstream { request in
            await before()
            return .reply(act: request.act, data: request.data)
        }
    }

    /// Requests forwarded and not yet completed.
    var inFlightCount: Int { running.withLockedValue { $0 } }

    func forward(_ request: UpstreamRequest, completion: @escaping @Sendable (UpstreamOutcome) -> Void) {
        running.withLockedValue { $0 += 1 }
        Task {
            let outcome = await answer(request)
            running.withLockedValue { $0 -= 1 }
            completion(outcome)
        }
    }

    func handles(act: String) -> Bool { routes(act) }
}
