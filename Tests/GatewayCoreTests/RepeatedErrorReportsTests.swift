import NIOCore
import Testing

@testable import GatewayCore

@Suite struct RepeatedErrorReportsTests {
    @Test func theFirstErrorIsReportedAtOnceAndTheRestOncePerIntervalWithTheirCount() {
        var reports = RepeatedErrorReports(interval: .seconds(10))
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        #expect(reports.errorOccurred(at: start) == 1)
        for second in 1..<10 {
            #expect(reports.errorOccurred(at: start + .seconds(Int64(second))) == nil)
        }
        #expect(reports.errorOccurred(at: start + .seconds(10)) == 10)
        #expect(reports.errorOccurred(at: start + .seconds(11)) == nil)
        // A quiet spell longer than the interval: the next error is reported at once, alone.
        #expect(reports.errorOccurred(at: start + .seconds(60)) == 2)
        #expect(reports.errorOccurred(at: start + .seconds(100)) == 1)
    }
}
