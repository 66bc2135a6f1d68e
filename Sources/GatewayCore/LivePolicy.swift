import Synchronization

/// The current `ConnectionPolicy`, replaced as a whole on reload.
public final class LivePolicy: Sendable {
    private let storage: Mutex<ConnectionPolicy>

    public init(_ policy: ConnectionPolicy) {
        self.storage = Mutex(policy)
    }

    public var current: ConnectionPolicy {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
