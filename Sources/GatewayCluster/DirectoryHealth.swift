/// Whether this node's part of the directory is known to match its connections, and when to
/// say so in the log: once when it goes stale, then at most once per `logInterval` while it
/// stays stale, and once when it is current again.
struct DirectoryHealth<Instant: InstantProtocol> where Instant.Duration == Duration {
    enum Action: Equatable {
        case none
        case logStale(since: Instant)
        case logCurrent
    }

    private(set) var staleSince: Instant?
    private var lastLogged: Instant?
    let logInterval: Duration

    init(logInterval: Duration) {
        self.logInterval = logInterval
    }

    var isStale: Bool { staleSince != nil }

    mutating func failed(at now: Instant) -> Action {
        let since = staleSince ?? now
        staleSince = since
        if let lastLogged, lastLogged.duration(to: now) < logInterval {
            return .none
        }
        lastLogged = now
        return .logStale(since: since)
    }

    /// The directory holds this node's connections again (a rewrite or a write succeeded).
    mutating func succeeded() -> Action {
        guard staleSince != nil else { return .none }
        staleSince = nil
        lastLogged = nil
        return .logCurrent
    }
}
