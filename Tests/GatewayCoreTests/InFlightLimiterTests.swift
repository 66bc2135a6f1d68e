import NIOConcurrencyHelpers
import Testing

@testable import GatewayCore

@Suite struct InFlightLimiterTests {
    @Test func aReleasedSlotPassesToTheOldestWaiter() {
        let limiter = InFlightLimiter(limit: 1)
        let granted = NIOLockedValueBox<[String]>([])
        #expect(limiter.tryAcquire { { granted.withLockedValue { $0.append("unused") } } })
        #expect(!limiter.tryAcquire { { granted.withLockedValue { $0.append("first") } } })
        #expect(!limiter.tryAcquire { { granted.withLockedValue { $0.append("second") } } })

        limiter.release()
        #expect(granted.withLockedValue { $0 } == ["first"])
        #expect(limiter.inUse == 1)
        limiter.release()
        #expect(granted.withLockedValue { $0 } == ["first", "second"])
        limiter.release()
        #expect(limiter.inUse == 0)
    }
}
