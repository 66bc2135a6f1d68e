/// Message counts of a load run. Every message sent ends as exactly one of: a reply, an error
/// reply, an unexpected reply, or lost (the connection closed or the run ended without a reply).
public struct LoadCounters: Codable, Sendable, Equatable {
    public var sent: UInt64 = 0
    public var replies: UInt64 = 0
    public var errorReplies: UInt64 = 0
    public var unexpectedReplies: UInt64 = 0
    public var lost: UInt64 = 0
    /// Messages the server sent with nothing outstanding (doexit, say); not answers to the bench.
    public var unsolicited: UInt64 = 0

    public init() {}

    public var errors: UInt64 { errorReplies + unexpectedReplies + lost }

    static func + (lhs: Self, rhs: Self) -> Self {
        var sum = lhs
        sum.sent += rhs.sent
        sum.replies += rhs.replies
        sum.errorReplies += rhs.errorReplies
        sum.unexpectedReplies += rhs.unexpectedReplies
        sum.lost += rhs.lost
        sum.unsolicited += rhs.unsolicited
        return sum
    }
}
