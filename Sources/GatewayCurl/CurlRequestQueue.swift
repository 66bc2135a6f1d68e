import CCurl
import GatewayUpstream
import NIOConcurrencyHelpers

/// A request accepted by `forward`, waiting for the loop thread to start it.
struct QueuedUpstreamRequest: Sendable {
    var request: UpstreamRequest
    /// Resolved from the configuration in force when the request was accepted.
    var target: UpstreamTarget
    var completion: @Sendable (UpstreamOutcome) -> Void
    var enqueuedAt: ContinuousClock.Instant
}

/// A post accepted by `CurlClient.post`, waiting for the loop thread to start it.
struct QueuedPost: Sendable {
    var post: HTTPPost
    var completion: @Sendable (HTTPPostResult) -> Void
    var enqueuedAt: ContinuousClock.Instant
}

/// Everything the loop thread is asked to send.
enum CurlWork: Sendable {
    case forward(QueuedUpstreamRequest)
    case post(QueuedPost)
}

/// What the callers' threads share with the loop thread: new work, the in-flight count and the
/// shutdown handshake, all under one lock.
final class CurlRequestQueue: Sendable {
    private enum Phase {
        case running
        /// Refusing new requests; the loop stops once the accepted ones are done.
        case draining(waiters: [CheckedContinuation<Void, Never>])
        case stopped
    }

    private struct State {
        var queued: [CurlWork] = []
        var inFlight = 0
        var phase = Phase.running
    }

    /// Not `Mutex`: ThreadSanitizer cannot see its futex wait on Linux, and this lock is
    /// contended by every event loop and the curl thread, so `make test-tsan` would report races
    /// here that are not there. A pthread mutex it sees.
    private let state: NIOLockedValueBox<State>
    /// Only used while `.running`, under the lock: the loop frees the multi handle after it has
    /// seen `.draining`, so a wakeup can never reach a freed handle.
    private let wakeup: CurlWakeup

    init(wakeup: CurlWakeup) {
        self.state = NIOLockedValueBox(State())
        self.wakeup = wakeup
    }

    var inFlightCount: Int {
        state.withLockedValue { $0.inFlight }
    }

    /// False once shutdown has begun; the work was not taken.
    func enqueue(_ work: CurlWork) -> Bool {
        state.withLockedValue { state in
            guard case .running = state.phase else { return false }
            // Work already queued means a wakeup is already pending: the loop takes everything
            // queued in one go, so one syscall per batch is enough.
            if state.queued.isEmpty {
                wakeup.wake()
            }
            state.queued.append(work)
            state.inFlight += 1
            return true
        }
    }

    /// For the loop thread: the work to start, and whether to stop once nothing is in flight.
    func takeQueued() -> (work: [CurlWork], draining: Bool) {
        state.withLockedValue { state in
            let requests = state.queued
            state.queued = []
            if case .running = state.phase {
                return (requests, false)
            }
            return (requests, true)
        }
    }

    /// For the loop thread, just before the completions of `count` requests run.
    func requestsFinished(_ count: Int) {
        state.withLockedValue { $0.inFlight -= count }
    }

    /// Returns once the loop has stopped and freed its curl handles.
    func drain() async {
        await withCheckedContinuation { continuation in
            let stopped = state.withLockedValue { state -> Bool in
                switch state.phase {
                case .running:
                    state.phase = .draining(waiters: [continuation])
                    wakeup.wake()
                case .draining(let waiters):
                    state.phase = .draining(waiters: waiters + [continuation])
                case .stopped:
                    return true
                }
                return false
            }
            if stopped {
                continuation.resume()
            }
        }
    }

    /// For the loop thread, as its last act.
    func loopStopped() {
        let waiters = state.withLockedValue { state -> [CheckedContinuation<Void, Never>] in
            guard case .draining(let waiters) = state.phase else { return [] }
            state.phase = .stopped
            return waiters
        }
        for waiter in waiters {
            waiter.resume()
        }
    }
}

/// The multi handle as other threads see it. `@unchecked` because the type system cannot say
/// that of all curl functions only `curl_multi_wakeup` is documented callable from any thread,
/// and it is the only one reachable through this type.
struct CurlWakeup: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer

    init(multi: UnsafeMutableRawPointer) {
        self.multi = multi
    }

    func wake() {
        _ = curl_multi_wakeup(multi)
    }
}
