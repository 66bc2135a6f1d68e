import GtcpWire
import NIOCore
import Testing

/// Expected outputs are what Go 1.22+ `json.Marshal` writes for the same string.
@Suite struct GoJSONTests {
    @Test(arguments: [
        ("", #""""#),
        ("plain text", #""plain text""#),
        ("<a href='x'>&amp;</a>", #""\u003ca href='x'\u003e\u0026amp;\u003c/a\u003e""#),
        ("\"quoted\" back\\slash /", #""\"quoted\" back\\slash /""#),
        ("\u{08}\u{0C}\n\r\t", #""\b\f\n\r\t""#),
        ("\u{00}\u{01}\u{1F}", #""\u0000\u0001\u001f""#),
        ("\u{7F}", "\"\u{7F}\""),
        ("line\u{2028}para\u{2029}end", #""line\u2028para\u2029end""#),
        ("é中😀", "\"é中😀\""),
        ("\u{FFFD}", "\"\u{FFFD}\""),
        ("a<b", #""a\u003cb""#),
    ])
    func quotesLikeGo(input: String, expected: String) {
        #expect(GoJSON.quote(input) == expected)
        var buffer = ByteBuffer(string: "<")
        GoJSON.writeQuoted(input, into: &buffer)
        #expect(Array(buffer.readableBytesView) == Array(("<" + expected).utf8))
    }

    @Test(arguments: [
        ([0x61, 0xFF, 0x62] as [UInt8], #""a\ufffdb""#),
        ([0xE2, 0x82], #""\ufffd\ufffd""#),
        ([0xED, 0xA0, 0x80], #""\ufffd\ufffd\ufffd""#),
        ([0xC0, 0x80], #""\ufffd\ufffd""#),
        ([0xF4, 0x90, 0x80, 0x80], #""\ufffd\ufffd\ufffd\ufffd""#),
        ([0x80, 0x3C, 0xE2, 0x80, 0xA8], #""\ufffd\u003c\u2028""#),
    ])
    func escapesEachInvalidUTF8ByteLikeGo(bytes: [UInt8], expected: String) {
        var buffer = ByteBuffer()
        GoJSON.writeQuoted(utf8: ByteBuffer(bytes: bytes), into: &buffer)
        #expect(String(buffer: buffer) == expected)
    }

    @Test func invalidUTF8InASwiftStringIsAlreadyARawReplacementCharacter() {
        #expect(GoJSON.quote(String(decoding: [0x61, 0xFF], as: UTF8.self)) == "\"a\u{FFFD}\"")
    }

    @Test(arguments: ["", "plain", "<>&", "\u{0}\u{1F}\n", "\u{2028}é😀", String(repeating: "a\"", count: 300)])
    func encodedByteCountIsWhatIsWritten(text: String) {
        let msg = Msg(act: text, data: text)
        var buffer = ByteBuffer()
        msg.encodeJSON(into: &buffer)
        #expect(msg.encodedJSONByteCount == buffer.readableBytes)
        #expect(String(buffer: buffer) == #"{"Act":"# + GoJSON.quote(text) + #","Data":"# + GoJSON.quote(text) + "}")
    }

    /// Runs of eight plain bytes are checked at once: a special character must be found in
    /// every position of a word, and in the bytes after the last whole word.
    @Test(arguments: [
        ("<", #"\u003c"#), (">", #"\u003e"#), ("&", #"\u0026"#), ("\"", #"\""#), ("\\", #"\\"#),
        ("\n", #"\n"#), ("\u{1}", #"\u0001"#), ("\u{1F}", #"\u001f"#), ("\u{2028}", #"\u2028"#),
        ("é", "é"), ("\u{7F}", "\u{7F}"), (" ", " "),
    ])
    func escapesASpecialCharacterAtEveryPosition(character: String, escaped: String) {
        for position in 0...17 {
            let before = String(repeating: "a", count: position)
            let after = String(repeating: "b", count: 17 - position)
            #expect(GoJSON.quote(before + character + after) == "\"" + before + escaped + after + "\"", "at \(position)")
        }
    }
}
