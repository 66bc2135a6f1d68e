import GatewayUpstream
import Testing

@Suite struct RetryBackoffTests {
    @Test func pausesDoubleUpToTheLimit() {
        let backoff = RetryBackoff(first: .milliseconds(100), limit: .seconds(2))
        #expect(
            (1...7).map(backoff.pause(after:))
                == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800),
                    .milliseconds(1_600), .seconds(2), .seconds(2)])
        #expect(backoff.pause(after: 1_000) == .seconds(2))
    }

    @Test func theRetryIsDueOnePauseAfterTheFailure() {
        let backoff = RetryBackoff(first: .milliseconds(250), limit: .seconds(1))
        let failedAt = ContinuousClock.Instant.now
        #expect(backoff.due(after: 2, now: failedAt) == failedAt + .milliseconds(500))
    }
}
