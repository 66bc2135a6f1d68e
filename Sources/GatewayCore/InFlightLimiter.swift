import NIOConcurrencyHelpers
import NIOCore

/// The gateway-wide cap on forwarded acts in flight.
///
/// A connection that finds every slot taken parks a waiter; a released slot passes straight to
/// the oldest waiter, so waiting connections are served in turn and none starves.
final class InFlightLimiter: Sendable {
    typealias Waiter = @Sendable () -> Void

    private struct State {
        var inUse = 0
        var waiters = CircularBuffer<Waiter>()
    }

    private let limit: Int
    private let state = NIOLockedValueBox(State())

    init(limit: Int) {
        precondition(limit > 0)
        self.limit = limit
    }

    var inUse: Int { state.withLockedValue { $0.inUse } }

    /// Takes a slot, or queues the waiter `makeWaiter` builds and returns false.
    func tryAcquire(orWait makeWaiter: () -> Waiter) -> Bool {
        state.withLockedValue { state in
            if state.inUse < limit {
                state.inUse += 1
                return true
            }
            state.waiters.append(makeWaiter())
            return false
        }
    }

    /// Gives a slot back, handing it to the oldest waiter if there is one.
    func release() {
        let next: Waiter? = state.withLockedValue { state in
            if let waiter = state.waiters.popFirst() {
                return waiter
            }
            state.inUse -= 1
            return nil
        }
        next?()
    }
}
