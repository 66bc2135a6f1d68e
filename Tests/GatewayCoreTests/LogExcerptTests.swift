import Testing

@testable import GatewayCore

@Suite struct LogExcerptTests {
    @Test func shortTextIsKeptWhole() {
        #expect("bob".logExcerpt() == "bob")
        #expect(String(repeating: "x", count: 256).logExcerpt() == String(repeating: "x", count: 256))
    }

    @Test func longTextIsCutAndSaysHowMuchWasLeftOut() {
        let name = String(repeating: "x", count: 65_000)
        #expect(name.logExcerpt() == String(repeating: "x", count: 256) + "…(+64744 bytes)")
    }

    @Test func theCutNeverSplitsACharacter() {
        // 255 ASCII bytes, then "é" (2 bytes) straddles the limit.
        let text = String(repeating: "a", count: 255) + "é" + "tail"
        #expect(text.logExcerpt() == String(repeating: "a", count: 255) + "…(+6 bytes)")
    }
}
