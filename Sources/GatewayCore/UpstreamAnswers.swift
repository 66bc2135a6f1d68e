import GatewayUpstream
import NIOConcurrencyHelpers
import NIOCore

/// Upstream answers for one connection, handed from the upstream's thread to the connection's
/// event loop. Answers that arrive before the loop has taken the earlier ones travel with them
/// in one task, so their replies reach the client in one write rather than one each.
final class UpstreamAnswers: Sendable {
    struct Answer: Sendable {
        var request: UpstreamRequest
        var sequence: UInt64
        var outcome: UpstreamOutcome
        var started: NIODeadline
    }

    /// A pthread mutex, which ThreadSanitizer sees (see CurlRequestQueue).
    private let waiting = NIOLockedValueBox<[Answer]>([])

    /// True for the first answer since the last `takeAll`: the caller then schedules the task
    /// that takes them.
    func add(_ answer: Answer) -> Bool {
        waiting.withLockedValue { waiting in
            waiting.append(answer)
            return waiting.count == 1
        }
    }

    func takeAll() -> [Answer] {
        waiting.withLockedValue { waiting in
            defer { waiting = [] }
            return waiting
        }
    }
}
