import GtcpClient
import Testing

@Suite struct DurationTextTests {
    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)),
        ("2s", .seconds(2)),
        ("1m", .seconds(60)),
        ("1h", .seconds(3600)),
        ("3", .seconds(3)),
        ("0.25", .milliseconds(250)),
        ("1.5s", .milliseconds(1500)),
        ("0", .zero),
    ])
    func parsesNumbersWithAnOptionalUnit(text: String, expected: Duration) {
        #expect(DurationText.parse(text) == expected)
    }

    @Test(arguments: ["", "s", "ms", "-1s", "1.s", ".5", "1..2", "1x", "1 s", "1e3", "1sms", "99999999999999h"])
    func rejectsAnythingElse(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test(arguments: [
        (Duration.milliseconds(500), "500ms"),
        (.seconds(5), "5s"),
        (.seconds(90), "90s"),
        (.seconds(120), "2m"),
        (.seconds(7200), "2h"),
        (.zero, "0s"),
        (.microseconds(1500), "1.5ms"),
    ])
    func describesWithTheLargestExactUnit(duration: Duration, expected: String) {
        #expect(DurationText.describe(duration) == expected)
    }
}
