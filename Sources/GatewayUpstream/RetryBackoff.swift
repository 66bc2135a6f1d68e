/// The pause before each retry of a failed HTTP request: `first`, doubled for each retry after
/// it, never more than `limit`. Both the upstream's retries and the lifecycle events' use it.
public struct RetryBackoff: Sendable, Equatable {
    public var first: Duration
    public var limit: Duration

    public init(first: Duration, limit: Duration) {
        precondition(first > .zero && limit >= first)
        self.first = first
        self.limit = limit
    }

    /// The pause after failed attempt `attempt` (1 for the first).
    public func pause(after attempt: Int) -> Duration {
        precondition(attempt >= 1)
        // Past 2^20 times `first` the limit has long been reached; the cap keeps `*` from overflowing.
        return min(first * (1 << min(attempt - 1, 20)), limit)
    }

    /// When the retry after failed attempt `attempt` is due, on the clock `now` was read from.
    public func due<Instant: InstantProtocol>(after attempt: Int, now: Instant) -> Instant
    where Instant.Duration == Duration {
        now.advanced(by: pause(after: attempt))
    }
}
