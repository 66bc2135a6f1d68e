import NIOConcurrencyHelpers

/// Whether the gateway should receive traffic: every listener bound and not draining.
public final class GatewayReadiness: Sendable {
    private struct State {
        var pendingListeners: Int
        var ports: [(listener: String, port: Int)] = []
        var draining = false
    }

    private let state: NIOLockedValueBox<State>
    private let onReady: @Sendable (_ ports: [(listener: String, port: Int)]) -> Void
    private let onDraining: @Sendable () -> Void

    /// - Parameters:
    ///   - listeners: how many listeners must report bound before the gateway is ready.
    ///   - onReady: called once, when the last listener is bound, with each listener's port in
    ///     the order they were bound.
    ///   - onDraining: called once, when draining starts.
    public init(
        listeners: Int,
        onReady: @escaping @Sendable (_ ports: [(listener: String, port: Int)]) -> Void = { _ in },
        onDraining: @escaping @Sendable () -> Void = {}
    ) {
        self.state = NIOLockedValueBox(State(pendingListeners: listeners))
        self.onReady = onReady
        self.onDraining = onDraining
    }

    public var isReady: Bool {
        state.withLockedValue { $0.pendingListeners == 0 && !$0.draining }
    }

    public var isDraining: Bool {
        state.withLockedValue { $0.draining }
    }

    /// `listener` (`gtcp`, `admin`) now accepts connections on `port`.
    public func listenerBound(_ listener: String, port: Int) {
        let readyPorts = state.withLockedValue { state in
            state.pendingListeners -= 1
            state.ports.append((listener, port))
            return state.pendingListeners == 0 ? state.ports : nil
        }
        if let readyPorts {
            onReady(readyPorts)
        }
    }

    public func drainingStarted() {
        let first = state.withLockedValue { state in
            defer { state.draining = true }
            return !state.draining
        }
        if first {
            onDraining()
        }
    }
}
