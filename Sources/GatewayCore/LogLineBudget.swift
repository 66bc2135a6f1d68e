import NIOCore

/// How many info lines one connection's packets may cause: `burst` at once, then one more per
/// `interval`. A client renaming itself in a loop would otherwise write a line per packet;
/// lines over the budget are counted instead, and the count goes out with the next line logged.
struct LogLineBudget {
    enum Decision: Equatable {
        /// Log the line, noting how many were left out since the last one.
        case log(leftOut: Int)
        case leaveOut
    }

    static let burst = 5
    static let interval = TimeAmount.seconds(10)

    private var tokens = Self.burst
    /// When the last token was earned; nil while the budget is full.
    private var earnedAt: NIODeadline?
    /// Lines left out since the last one logged.
    private(set) var leftOut = 0

    mutating func take(at now: NIODeadline) -> Decision {
        if let earnedAt {
            let earned = Int((now - earnedAt).nanoseconds / Self.interval.nanoseconds)
            if tokens + earned >= Self.burst {
                tokens = Self.burst
                self.earnedAt = nil
            } else {
                tokens += earned
                self.earnedAt = earnedAt + Self.interval * Int64(earned)
            }
        }
        guard tokens > 0 else {
            leftOut += 1
            return .leaveOut
        }
        tokens -= 1
        if earnedAt == nil {
            earnedAt = now
        }
        defer { leftOut = 0 }
        return .log(leftOut: leftOut)
    }
}
