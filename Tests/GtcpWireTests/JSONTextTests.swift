import GtcpWire
import Testing

/// Whether a packet's data is labelled JSON when forwarded: any one JSON value, scalars included.
@Suite struct JSONTextTests {
    @Test(arguments: [
        "null", "true", "-0.5e-3", "\"\\u00e9\\n\"", "[[[[]]]]", "{\"a\":{\"b\":[1,{}]}}", "\t\n 7 \r",
    ])
    func acceptsJSONValues(text: String) {
        #expect(JSONText.isValid(text))
    }

    @Test(arguments: [
        "", "nul", "01", "1.", "-", "[1,]", "{\"a\" 1}", "{a:1}", "\"\\x\"", "\"tab\there\"", "[", "]", "1 2",
        String(repeating: "[", count: 100_000),
    ])
    func rejectsNonJSON(text: String) {
        #expect(!JSONText.isValid(text))
    }
}
