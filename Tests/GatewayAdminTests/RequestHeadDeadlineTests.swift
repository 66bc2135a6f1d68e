@testable import GatewayAdmin
import NIOCore
import Testing

/// When the head timer runs: from a request's first byte to its complete head, never while
/// the connection waits silently or while a request is being answered.
@Suite struct RequestHeadDeadlineTests {
    private let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    private let timeout = TimeAmount.seconds(10)

    @Test func firstByteStartsTheTimerAndTheHeadStopsIt() {
        var deadline = RequestHeadDeadline(timeout: timeout)
        #expect(deadline.bytesArrived(at: start) == .startTimer(start + timeout))
        #expect(deadline.bytesArrived(at: start + .seconds(1)) == .none)
        #expect(deadline.timerFired() == .close)
        #expect(deadline.headRead() == .cancelTimer)
        #expect(deadline.timerFired() == .none)
    }

    @Test func bodyAndResponseTimeDoNotCountAndTheNextRequestStartsAfresh() {
        var deadline = RequestHeadDeadline(timeout: timeout)
        _ = deadline.bytesArrived(at: start)
        _ = deadline.headRead()
        #expect(deadline.bytesArrived(at: start + .seconds(20)) == .none)
        deadline.requestRead()
        #expect(deadline.responseWritten(at: start + .seconds(30)) == .none)
        #expect(deadline.timerFired() == .none)
        #expect(deadline.bytesArrived(at: start + .seconds(90)) == .startTimer(start + .seconds(90) + timeout))
    }

    @Test func pipelinedRequestStartedDuringAResponseIsTimedFromTheResponse() {
        var deadline = RequestHeadDeadline(timeout: timeout)
        _ = deadline.bytesArrived(at: start)
        _ = deadline.headRead()
        deadline.requestRead()
        #expect(deadline.bytesArrived(at: start + .seconds(1)) == .none)
        #expect(deadline.responseWritten(at: start + .seconds(2)) == .startTimer(start + .seconds(2) + timeout))
        #expect(deadline.timerFired() == .close)
    }
}
