import GatewayUpstream

/// Transfers waiting out their back-off, soonest first. The loop reads the clock and passes the
/// time in, so the schedule itself is a plain value.
struct RetrySchedule<Item> {
    private let backoff: RetryBackoff
    private var waiting: [(due: ContinuousClock.Instant, item: Item)] = []

    init(backoff: RetryBackoff) {
        self.backoff = backoff
    }

    /// Queues `item`, whose attempt `attempt` failed at `now`; returns the pause before it.
    mutating func add(_ item: Item, after attempt: Int, now: ContinuousClock.Instant) -> Duration {
        let due = backoff.due(after: attempt, now: now)
        let index = waiting.firstIndex { $0.due > due } ?? waiting.endIndex
        waiting.insert((due, item), at: index)
        return due - now
    }

    /// The items due by `now`, soonest first, taken out.
    mutating func takeDue(now: ContinuousClock.Instant) -> [Item] {
        let due = waiting.prefix { $0.due <= now }.map(\.item)
        waiting.removeFirst(due.count)
        return due
    }

    /// How long from `now` until the next item is due; nil when none waits.
    func wait(now: ContinuousClock.Instant) -> Duration? {
        waiting.first.map { max($0.due - now, .zero) }
    }

    var isEmpty: Bool { waiting.isEmpty }
}
