import Foundation
import GatewayCore
import Testing

@Suite struct UTCTimestampTests {
    @Test func writesWhatFoundationsFormatterWrites() {
        let format = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        var generator = SystemRandomNumberGenerator()
        var seconds: [Double] = [0, 1_738_314_902.125, 1_700_000_000.9996, 1_700_000_000.0004, 951_782_400.5, 4_102_444_799.999]
        for _ in 0..<2000 {
            seconds.append(Double.random(in: 0..<4_102_444_800, using: &generator))
        }
        for second in seconds {
            let date = Date(timeIntervalSince1970: second)
            #expect(UTCTimestamp.string(date) == date.formatted(format), "at \(second)")
        }
    }
}
