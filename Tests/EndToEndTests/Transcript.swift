import NIOConcurrencyHelpers

/// What a test observes arriving in order (output lines, datagrams), with waits for an item
/// that has arrived or is still to come.
final class Transcript<Item: Sendable>: Sendable {
    private struct Waiter {
        var occurrence: Int
        var predicate: @Sendable (Item) -> Bool
        var continuation: CheckedContinuation<Int?, Never>
    }

    private struct State {
        var items: [Item] = []
        var ended = false
        var waiters: [Waiter] = []

        /// The index of the `occurrence`th item matching `predicate`, if it has arrived.
        func index(_ occurrence: Int, where predicate: (Item) -> Bool) -> Int? {
            var seen = 0
            for (index, item) in items.enumerated() where predicate(item) {
                seen += 1
                if seen == occurrence {
                    return index
                }
            }
            return nil
        }
    }

    private let state = NIOLockedValueBox(State())

    var items: [Item] { state.withLockedValue { $0.items } }

    func append(_ item: Item) {
        let resumed = state.withLockedValue { state in
            state.items.append(item)
            var resumed: [(CheckedContinuation<Int?, Never>, Int)] = []
            var stillWaiting: [Waiter] = []
            for waiter in state.waiters {
                if let index = state.index(waiter.occurrence, where: waiter.predicate) {
                    resumed.append((waiter.continuation, index))
                } else {
                    stillWaiting.append(waiter)
                }
            }
            state.waiters = stillWaiting
            return resumed
        }
        resumed.forEach { $0.resume(returning: $1) }
    }

    /// No more items will come: every wait still open gets nil.
    func end() {
        let waiting = state.withLockedValue { state in
            state.ended = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        waiting.forEach { $0.continuation.resume(returning: nil) }
    }

    /// The position of the `occurrence`th item (1 is the first) matching `predicate`, or nil
    /// if the transcript ends before it.
    func index(_ occurrence: Int = 1, where predicate: @escaping @Sendable (Item) -> Bool) async -> Int? {
        await withCheckedContinuation { continuation in
            let found: Int?? = state.withLockedValue { state in
                if let index = state.index(occurrence, where: predicate) {
                    return .some(index)
                }
                if state.ended {
                    return .some(nil)
                }
                state.waiters.append(Waiter(occurrence: occurrence, predicate: predicate, continuation: continuation))
                return nil
            }
            if let found {
                continuation.resume(returning: found)
            }
        }
    }

    /// Returns once no more items will come.
    func waitForEnd() async {
        _ = await index { _ in false }
    }

    /// The `occurrence`th item matching `predicate`, or nil if the transcript ends before it.
    func item(_ occurrence: Int = 1, where predicate: @escaping @Sendable (Item) -> Bool) async -> Item? {
        guard let index = await index(occurrence, where: predicate) else { return nil }
        return items[index]
    }
}
