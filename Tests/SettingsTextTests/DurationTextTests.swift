import SettingsText
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

    @Test(arguments: [
        "", "s", "ms", "-1s", "1.s", ".5", "1..2", "1x", "1 s", "1e3", "1sms", "99999999999999h", "1.0000000001s",
        "1000001h",
    ])
    func rejectsAnythingElse(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    /// Messages name the largest exact unit; settings skip minutes, write zero bare, and parse
    /// back to the same duration.
    @Test(arguments: [
        (Duration.milliseconds(500), "500ms", "500ms"),
        (.milliseconds(1500), "1500ms", "1500ms"),
        (.seconds(5), "5s", "5s"),
        (.seconds(90), "90s", "90s"),
        (.seconds(120), "2m", "120s"),
        (.seconds(7200), "2h", "2h"),
        (.zero, "0s", "0"),
        (.microseconds(1500), "1.5ms", "1.5ms"),
        (.nanoseconds(1), "0.000001ms", "0.000001ms"),
    ])
    func spellsDurations(duration: Duration, described: String, formatted: String) {
        #expect(DurationText.describe(duration) == described)
        #expect(DurationText.format(duration) == formatted)
        #expect(DurationText.parse(formatted) == duration)
    }
}
