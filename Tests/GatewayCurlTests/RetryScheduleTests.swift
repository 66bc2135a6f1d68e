import GatewayUpstream
import Testing

@testable import GatewayCurl

@Suite struct RetryScheduleTests {
    private let start = ContinuousClock.Instant.now

    @Test func itemsComeOutWhenDueSoonestFirst() {
        var schedule = RetrySchedule<String>(backoff: RetryBackoff(first: .milliseconds(100), limit: .seconds(2)))
        #expect(schedule.add("third try", after: 2, now: start) == .milliseconds(200))
        #expect(schedule.add("second try", after: 1, now: start) == .milliseconds(100))
        #expect(schedule.wait(now: start) == .milliseconds(100))
        #expect(schedule.takeDue(now: start + .milliseconds(99)).isEmpty)
        #expect(schedule.takeDue(now: start + .milliseconds(100)) == ["second try"])
        #expect(schedule.wait(now: start + .milliseconds(150)) == .milliseconds(50))
        #expect(schedule.wait(now: start + .seconds(1)) == .zero)
        #expect(schedule.takeDue(now: start + .seconds(1)) == ["third try"])
        #expect(schedule.isEmpty && schedule.wait(now: start) == nil)
    }
}
