import Synchronization

/// Whether the gateway should receive traffic: every listener bound and not draining.
public final class GatewayReadiness: Sendable {
    private struct State {
        var pendingListeners: Int
        var draining = false
    }

    private let state: Mutex<State>

    /// - Parameter listeners: how many listeners must report bound before the gateway is ready.
    public init(listeners: Int) {
        self.state = Mutex(State(pendingListeners: listeners))
    }

    public var isReady: Bool {
        state.withLock { $0.pendingListeners == 0 && !$0.draining }
    }

    public var isDraining: Bool {
        state.withLock { $0.draining }
    }

    public func listenerBound() {
        state.withLock { $0.pendingListeners -= 1 }
    }

    public func drainingStarted() {
        state.withLock { $0.draining = true }
    }
}
