import Foundation
import SettingsText
import Testing

@Suite struct UTCTimestampTests {
    @Test func writesWhatFoundationsFormatterWrites() {
        let format = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        var seconds: [Double] = [0, 1_738_314_902.125, 1_700_000_000.9996, 1_700_000_000.0004, 951_782_400.5, 4_102_444_799.999]
        // Spread over 1970-2099 and fixed, so a failure repeats. A fifth of a millisecond in:
        // where a Double cannot hold the instant exactly, the two may read the last digit apart.
        for step in Int64(0)..<2000 {
            let milliseconds = step * 2_051_222_400_001 % 4_102_444_800_000
            seconds.append(Double(milliseconds) / 1000 + 0.0002)
        }
        for second in seconds {
            let date = Date(timeIntervalSince1970: second)
            #expect(UTCTimestamp.string(date) == date.formatted(format), "at \(second)")
        }
    }
}
