/// The commands this node sent and waits on, by correlation id, each with its deadline.
///
/// Decides only: the bus keeps one timer, armed at the instant these methods return, and resumes
/// the waiters they hand back. `Instant` is injected so that tests need no clock.
struct PendingCommands<Waiter, Instant: InstantProtocol> {
    private var lastCorrelation: UInt64 = 0
    private var waiting: [UInt64: (deadline: Instant, waiter: Waiter)] = [:]
    /// Where the bus's timer is armed; nil when it is not.
    private var timer: Instant?

    var count: Int { waiting.count }

    /// The correlation id for the command, and the instant to arm the timer at when it must move.
    mutating func add(_ waiter: Waiter, deadline: Instant) -> (correlation: UInt64, armTimer: Instant?) {
        lastCorrelation += 1
        waiting[lastCorrelation] = (deadline, waiter)
        guard timer.map({ deadline < $0 }) ?? true else {
            return (lastCorrelation, nil)
        }
        timer = deadline
        return (lastCorrelation, deadline)
    }

    /// The waiter of a reply; nil for a reply that came after its deadline or was never asked for.
    mutating func answer(_ correlation: UInt64) -> Waiter? {
        waiting.removeValue(forKey: correlation)?.waiter
    }

    /// When the timer fires: the waiters whose deadline passed, and where to arm the timer next.
    mutating func expire(now: Instant) -> (expired: [Waiter], armTimer: Instant?) {
        let due = waiting.filter { $0.value.deadline <= now }
        for correlation in due.keys {
            waiting.removeValue(forKey: correlation)
        }
        timer = waiting.values.map(\.deadline).min()
        return (due.values.map(\.waiter), timer)
    }
}
