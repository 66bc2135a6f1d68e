import NIOConcurrencyHelpers

/// Remembers which keys were logged so a condition repeated per packet is logged once.
final class LogOnce: Sendable {
    private let seen = NIOLockedValueBox<Set<String>>([])
    /// Keys beyond this many are no longer remembered, so hostile input cannot grow the set.
    private let capacity: Int

    init(capacity: Int = 1024) {
        self.capacity = capacity
    }

    /// True the first time `key` is seen.
    func firstTime(_ key: String) -> Bool {
        seen.withLockedValue { seen in
            guard seen.count < capacity else { return false }
            return seen.insert(key).inserted
        }
    }
}
