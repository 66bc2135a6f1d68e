import GtcpWire
import NIOCore
import Testing

@Suite struct MsgJSONDecodingTests {
    private static func decode(_ bytes: [UInt8]) throws(MsgDecodingError) -> Msg {
        try Msg(decoding: ByteBuffer(bytes: bytes))
    }

    private static func decode(_ text: String) throws(MsgDecodingError) -> Msg {
        try self.decode(Array(text.utf8))
    }

    private static func expectError(_ bytes: [UInt8], _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let msg = try self.decode(bytes)
            Issue.record("decoded \(msg), expected: \(message)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.description == message, sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [
        (#"{"Act":"hello","Data":"x"}"#, Msg(act: "hello", data: "x")),
        (#"{"act":"a","DATA":"b"}"#, Msg(act: "a", data: "b")),
        (#"{"ACT":"a","dAtA":"b"}"#, Msg(act: "a", data: "b")),
        (#"{"Data":"b","Act":"a"}"#, Msg(act: "a", data: "b")),
    ])
    func keysMatchCaseInsensitively(json: String, expected: Msg) throws {
        #expect(try Self.decode(json) == expected)
    }

    @Test(arguments: [
        // An exact match does not outrank a folded one: every match assigns, the last one wins.
        (#"{"Act":"exact","act":"folded"}"#, Msg(act: "folded")),
        (#"{"act":"folded","Act":"exact"}"#, Msg(act: "exact")),
        (#"{"Data":"1","Data":"2","DATA":"3"}"#, Msg(act: "", data: "3")),
        (#"{"Act":"kept","Act":null}"#, Msg(act: "kept")),
    ])
    func lastDuplicateWinsAndNullLeavesTheField(json: String, expected: Msg) throws {
        #expect(try Self.decode(json) == expected)
    }

    @Test(arguments: [
        (#"{}"#, Msg(act: "")),
        (#"{"Act":"a"}"#, Msg(act: "a")),
        (#"{"Data":"d"}"#, Msg(act: "", data: "d")),
        (#"{"Act":null,"Data":null}"#, Msg(act: "")),
        (#"null"#, Msg(act: "")),
        (#"{"Acts":"a","Dat":"b","ac":"c","A ct":"d"}"#, Msg(act: "")),
    ])
    func missingKeysAndNullsLeaveFieldsEmpty(json: String, expected: Msg) throws {
        #expect(try Self.decode(json) == expected)
    }

    @Test func unknownKeysWithNestedValuesAreIgnored() throws {
        let json = #"""
            {"x":{"y":[1,2,{"z":null}],"w":"s\n\u00e9","":{}},"Act":"a","n":-1.5e+3,"m":0,"k":-0.25E-2,
             "t":true,"f":false,"e":[],"o":{},"s":"\ud83d\ude00","Data":"d","deep":[[[[{"a":[{}]}]]]]}
            """#
        #expect(try Self.decode(json) == Msg(act: "a", data: "d"))
    }

    @Test func whitespaceAroundEveryTokenIsAllowed() throws {
        #expect(try Self.decode(" \t\r\n{ \"Act\" :\t\"a\" ,\n\"Data\"\r: \"b\" } \n") == Msg(act: "a", data: "b"))
    }

    @Test func decodesOnlyTheReadableBytes() throws {
        var buffer = ByteBuffer(string: #"xx{"Act":"a"}"#)
        buffer.moveReaderIndex(forwardBy: 2)
        #expect(try Msg(decoding: buffer) == Msg(act: "a"))
    }

    @Test(arguments: [
        (#""a\"b\\c\/d\b\f\n\r\t""#, "a\"b\\c/d\u{08}\u{0C}\n\r\t"),
        (#""\u00e9\u4E2D\u0000""#, "é中\u{0}"),
        (#""\ud83d\ude00""#, "😀"),
        (#""x\ud800""#, "x\u{FFFD}"),
        (#""\udc00y""#, "\u{FFFD}y"),
        (#""\ud800\ud800""#, "\u{FFFD}\u{FFFD}"),
        (#""\ud800\u0041""#, "\u{FFFD}A"),
        (#""\ud800x""#, "\u{FFFD}x"),
        (#""\ude00\ud83d""#, "\u{FFFD}\u{FFFD}"),
        ("\"é中😀 raw\"", "é中😀 raw"),
    ])
    func unescapesStringsLikeGo(jsonString: String, expected: String) throws {
        #expect(try Self.decode(#"{"Data":"# + jsonString + "}") == Msg(act: "", data: expected))
    }

    @Test(arguments: [
        (#"{"\u0041ct":"a","D\u0061TA":"b"}"#, Msg(act: "a", data: "b")),
        (#"{"\u0061\u0063\u0074":"a"}"#, Msg(act: "a")),
        (#"{"\u0041ctx":"a","\u0044ata\u0000":"b"}"#, Msg(act: "")),
    ])
    func escapedKeysAreMatchedAfterUnescaping(json: String, expected: Msg) throws {
        #expect(try Self.decode(json) == expected)
    }

    @Test(arguments: [
        ("", "empty packet is not a JSON object"),
        (" \n", "unexpected end of JSON input"),
        ("[]", "packet must be a JSON object, got array"),
        (#""s""#, "packet must be a JSON object, got string"),
        ("-1.5", "packet must be a JSON object, got number"),
        ("true", "packet must be a JSON object, got bool"),
        (#"{"Act":1}"#, "Act must be a string, got number"),
        (#"{"act":false}"#, "Act must be a string, got bool"),
        (#"{"Act":{"a":"b"}}"#, "Act must be a string, got object"),
        (#"{"Act":["a"]}"#, "Act must be a string, got array"),
        (#"{"Data":12}"#, "Data must be a string, got number"),
        (#"{"DATA":true}"#, "Data must be a string, got bool"),
        (#"{"data":{}}"#, "Data must be a string, got object"),
        (#"{"Data":[1]}"#, "Data must be a string, got array"),
        (#"{"Act":1,"Data":2}"#, "Act must be a string, got number"),
        (#"{"Data":2,"Act":"a","Act":1}"#, "Data must be a string, got number"),
    ])
    func wrongTypesAreErrors(json: String, message: String) {
        Self.expectError(Array(json.utf8), message)
    }

    @Test(arguments: [
        (#"{"Act":1} x"#, "invalid character 'x' at byte 10 after the JSON value"),
        (#"[1,2"#, "unexpected end of JSON input"),
        (#"{"Act":"a"}}"#, "invalid character '}' at byte 11 after the JSON value"),
        (#"{"Act":"a"} {}"#, "invalid character '{' at byte 12 after the JSON value"),
        (#"{Act:"a"}"#, "invalid character 'A' at byte 1, expected a string key or '}'"),
        (#"{"Act":"a",}"#, "invalid character '}' at byte 11, expected a string key"),
        (#"{"Act" "a"}"#, #"invalid character '"' at byte 7, expected ':' after an object key"#),
        (#"{"Act":"a" "Data":"b"}"#, #"invalid character '"' at byte 11, expected ',' or '}' after an object value"#),
        (#"{"Act":}"#, "invalid character '}' at byte 7, expected a value"),
        (#"{"a":[1 2]}"#, "invalid character '2' at byte 8, expected ',' or ']' after an array element"),
        (#"{"a":[,]}"#, "invalid character ',' at byte 6, expected a value or ']'"),
        (#"{"a":[1,]}"#, "invalid character ']' at byte 8, expected a value"),
        (#"{"a":{"b"}}"#, "invalid character '}' at byte 9, expected ':' after an object key"),
        (#"{"a":tru}"#, "invalid character '}' at byte 8 in a literal (true, false or null)"),
        (#"{"a":nul1}"#, "invalid character '1' at byte 8 in a literal (true, false or null)"),
        (#"{"a":01}"#, "invalid character '1' at byte 6, expected ',' or '}' after an object value"),
        (#"{"a":1.}"#, "invalid character '}' at byte 7, expected a digit"),
        (#"{"a":-x}"#, "invalid character 'x' at byte 6, expected a digit"),
        (#"{"a":1e}"#, "invalid character '}' at byte 7, expected a digit"),
        (#"{"a":1e+}"#, "invalid character '}' at byte 8, expected a digit"),
        (#"{"a":+1}"#, "invalid character '+' at byte 5, expected a value"),
        (#"{"a":'x'}"#, #"invalid character '\'' at byte 5, expected a value"#),
        (#"{"Act":"a\qb"}"#, #"invalid character 'q' at byte 10, expected an escape character after '\' (" \ / b f n r t u)"#),
        (#"{"Act":"\u12g4"}"#, #"invalid character 'g' at byte 12, expected a hex digit in a \u escape"#),
        ("{\"Act\":\"a\nb\"}", "invalid character U+000A at byte 9 in a string (control characters must be escaped)"),
        ("{\"Act\":\"\t\"}", "invalid character U+0009 at byte 8 in a string (control characters must be escaped)"),
        ("{é}", "invalid character U+00E9 at byte 1, expected a string key or '}'"),
        ("\u{FEFF}{}", "invalid character U+FEFF at byte 0, expected a value"),
    ])
    func invalidJSONIsAnErrorNamingTheByte(json: String, message: String) {
        Self.expectError(Array(json.utf8), message)
    }

    @Test(arguments: [
        #"{"#, #"{""#, #"{"Act"#, #"{"Act""#, #"{"Act":"#, #"{"Act":"a"#, #"{"Act":"a\"#, #"{"Act":"a","#,
        #"{"a":tr"#, #"{"a":-"#, #"{"a":1."#, #"{"a":"\u12"#, #"{"a":[1"#, #"{"a":{"b":"#, "nul",
    ])
    func truncatedInputIsUnexpectedEnd(json: String) {
        Self.expectError(Array(json.utf8), "unexpected end of JSON input")
    }

    @Test(arguments: [
        (#"{"Act":"a"#, [0xFF] as [UInt8], #"b"}"#, "invalid UTF-8 at byte 9"),
        (#"{"Act":""#, [0xE2, 0x82], #""}"#, "invalid UTF-8 at byte 8"),
        (#"{"Act":""#, [0xED, 0xA0, 0x80], #""}"#, "invalid UTF-8 at byte 8"),
        (#"{"Act":""#, [0xC0, 0x80], #""}"#, "invalid UTF-8 at byte 8"),
        (#"{"Act":""#, [0xF4, 0x90, 0x80, 0x80], #""}"#, "invalid UTF-8 at byte 8"),
        (#"{"k"#, [0xC3], #"":1}"#, "invalid UTF-8 at byte 3"),
        (#"{"x":["#, [0x80], #""]}"#, "invalid UTF-8 at byte 6"),
        ("", [0xFF], "{}", "invalid UTF-8 at byte 0"),
        (#"{"Act":"a"}"#, [0xC3], "", "invalid UTF-8 at byte 11"),
        (#"{"Act":1"#, [0xFE], "}", "invalid UTF-8 at byte 8"),
    ])
    func invalidUTF8IsAnErrorInAndOutOfStrings(before: String, bad: [UInt8], after: String, message: String) {
        Self.expectError(Array(before.utf8) + bad + Array(after.utf8), message)
    }

    @Test func nestingUpToTheLimitIsAccepted() throws {
        let depth = 127
        let json = #"{"x":"# + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + #","Act":"a"}"#
        #expect(try Self.decode(json) == Msg(act: "a"))
    }

    @Test(arguments: [
        (#"{"x":"# + String(repeating: "[", count: 128), "JSON nested deeper than 128 levels at byte 132"),
        (#"{"x":"# + String(repeating: #"{"a":"#, count: 128), "JSON nested deeper than 128 levels at byte 640"),
        (String(repeating: "[", count: 100_000), "JSON nested deeper than 128 levels at byte 128"),
    ])
    func nestingBeyondTheLimitIsAnError(json: String, message: String) {
        Self.expectError(Array(json.utf8), message)
    }

    @Test(arguments: [
        Msg(act: "hello", data: "Nice to meet you!"),
        Msg(act: "<>&", data: "\u{0}\u{1}\u{1F}\u{7F}\u{2028}\u{2029}\"\\/\u{08}\u{0C}\n\r\t"),
        Msg(act: "é", data: "中😀\u{FFFD}"),
    ])
    func decodesWhatTheEncoderWrites(msg: Msg) throws {
        var buffer = ByteBuffer()
        msg.encodeJSON(into: &buffer)
        #expect(try Msg(decoding: buffer) == msg)
    }

    /// Runs of eight plain bytes are checked at once: what ends the fast path must be found in
    /// every position of a word, and in the bytes after the last whole word.
    @Test(arguments: 0...17)
    func stringBytesAreCheckedAtEveryPosition(position: Int) throws {
        let before = String(repeating: "a", count: position)
        let after = String(repeating: "b", count: 17 - position)
        let prefix = #"{"Data":""# + before
        let offset = prefix.utf8.count
        #expect(try Self.decode(prefix + #"\n"# + after + #""}"#) == Msg(act: "", data: before + "\n" + after))
        #expect(try Self.decode(prefix + "é😀" + after + #""}"#) == Msg(act: "", data: before + "é😀" + after))
        #expect(try Self.decode(prefix + #""}"#) == Msg(act: "", data: before))
        Self.expectError(
            Array((prefix + "\t" + after + #""}"#).utf8),
            "invalid character U+0009 at byte \(offset) in a string (control characters must be escaped)"
        )
        Self.expectError(Array(prefix.utf8) + [0xFF] + Array((after + #""}"#).utf8), "invalid UTF-8 at byte \(offset)")
    }
}
