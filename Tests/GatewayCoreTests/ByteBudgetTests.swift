import Metrics
import MetricsTestKit
import Testing

@testable import GatewayCore

@Suite struct ByteBudgetTests {
    private let metrics = TestMetrics()

    private func budget(limit: Int) -> ByteBudget {
        ByteBudget(limit: limit, gauge: Meter(label: "held", dimensions: [], factory: metrics))
    }

    @Test func goingPastTheCapStartsOneSheddingAtATime() throws {
        let budget = budget(limit: 100)
        #expect(!budget.change(by: 100))
        #expect(budget.change(by: 1))
        #expect(budget.excess == 1)
        #expect(!budget.change(by: 50), "a shedding is under way")
        budget.sheddingFinished()
        #expect(budget.change(by: 1))
        #expect(try metrics.expectMeter("held").lastValue == 152)
    }

    @Test func bytesGivenBackNeverStartAShedding() {
        let budget = budget(limit: 100)
        var share = ByteBudgetShare()
        let sheds = share.update(to: 150, in: budget)
        #expect(sheds)
        budget.sheddingFinished()
        let shedsAgain = share.update(to: 120, in: budget)
        #expect(!shedsAgain)
        #expect(budget.total == 120 && budget.excess == 20)
    }

    @Test func aShareReportsOnlyItsChanges() {
        let budget = budget(limit: 1000)
        var first = ByteBudgetShare()
        var second = ByteBudgetShare()
        _ = first.update(to: 300, in: budget)
        _ = second.update(to: 200, in: budget)
        _ = first.update(to: 300, in: budget)
        _ = first.update(to: 100, in: budget)
        #expect(budget.total == 300)
        _ = first.update(to: 0, in: budget)
        _ = second.update(to: 0, in: budget)
        #expect(budget.total == 0 && first.bytes == 0)
    }
}
