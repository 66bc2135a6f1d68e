import Foundation
import Testing

@testable import GtcpClient

@Suite struct LogTimestampTests {
    @Test func formatsLikeTheGoExampleWithMillisecondsTruncated() {
        let date = Date(timeIntervalSince1970: 1_556_866_755.7339)
        let china = TimeZone(secondsFromGMT: 8 * 3600)!
        #expect(LogTimestamp.string(for: date, in: china) == "2019-05-03 14:59:15.733")
    }

    @Test func padsEveryField() {
        let date = Date(timeIntervalSince1970: 946_684_800.005)
        #expect(LogTimestamp.string(for: date, in: TimeZone(secondsFromGMT: 0)!) == "2000-01-01 00:00:00.005")
    }
}
