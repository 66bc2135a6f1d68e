import GtcpWire
import Testing

@Suite struct ActNameTests {
    @Test(arguments: ["a", "hello", "heartbeat", "user.login", "A_b-c:9", String(repeating: "x", count: 128)])
    func acceptsShortNamesOfLettersDigitsAndPunctuation(act: String) {
        #expect(ActName.validationError(act) == nil)
    }

    @Test(arguments: [
        ("", "act is empty"),
        (String(repeating: "x", count: 129), "act is 129 bytes long, at most 128 allowed"),
        ("a b", #"act "a b" has an invalid character ' ' (allowed: letters, digits, . _ - :)"#),
        ("a/b", #"act "a/b" has an invalid character '/' (allowed: letters, digits, . _ - :)"#),
        ("<x>", #"act "\u003cx\u003e" has an invalid character '<' (allowed: letters, digits, . _ - :)"#),
        ("a\nb", #"act "a\nb" has an invalid character U+000A (allowed: letters, digits, . _ - :)"#),
        ("café", #"act "café" has an invalid character U+00E9 (allowed: letters, digits, . _ - :)"#),
    ])
    func rejectsOtherNamesSayingWhy(act: String, message: String) {
        #expect(ActName.validationError(act) == message)
    }
}
