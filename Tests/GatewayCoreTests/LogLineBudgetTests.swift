import NIOCore
import Testing

@testable import GatewayCore

@Suite struct LogLineBudgetTests {
    private let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    /// What `take` decides for each of `times` lines at `now`.
    private func take(_ budget: inout LogLineBudget, at now: NIODeadline, times: Int = 1) -> [LogLineBudget.Decision] {
        (0..<times).map { _ in budget.take(at: now) }
    }

    @Test func aBurstIsLoggedThenLinesAreCountedNotLogged() {
        var budget = LogLineBudget()
        let burst = take(&budget, at: start, times: LogLineBudget.burst)
        #expect(burst == Array(repeating: .log(leftOut: 0), count: LogLineBudget.burst))
        #expect(take(&budget, at: start) == [.leaveOut])
        #expect(take(&budget, at: start + .seconds(1)) == [.leaveOut])
        #expect(budget.leftOut == 2)
    }

    @Test func eachIntervalEarnsOneLineWhichCarriesTheCountLeftOut() {
        var budget = LogLineBudget()
        _ = take(&budget, at: start, times: LogLineBudget.burst + 3)
        let later = start + LogLineBudget.interval
        #expect(take(&budget, at: later, times: 2) == [.log(leftOut: 3), .leaveOut])
        #expect(take(&budget, at: later + LogLineBudget.interval) == [.log(leftOut: 1)])
        #expect(budget.leftOut == 0)
    }

    @Test func aQuietConnectionEarnsBackAtMostOneBurst() {
        var budget = LogLineBudget()
        _ = take(&budget, at: start, times: LogLineBudget.burst)
        let decisions = take(&budget, at: start + LogLineBudget.interval * 100, times: LogLineBudget.burst + 1)
        #expect(decisions == Array(repeating: .log(leftOut: 0), count: LogLineBudget.burst) + [.leaveOut])
    }

    @Test func partIntervalsAddUp() {
        var budget = LogLineBudget()
        _ = take(&budget, at: start, times: LogLineBudget.burst)
        let half = TimeAmount.nanoseconds(LogLineBudget.interval.nanoseconds / 2)
        #expect(take(&budget, at: start + half) == [.leaveOut])
        #expect(take(&budget, at: start + half + half) == [.log(leftOut: 1)])
    }
}
