import NIOCore

extension Msg {
    /// Go `json.Unmarshal` semantics into `struct{ Act, Data string }`: keys matched
    /// case-insensitively (for these two names that is also Go's exact-match preference), unknown
    /// keys ignored after full validation of their values, missing keys and `null` leave the field
    /// as it was, the last duplicate wins, a top-level `null` is an empty Msg.
    /// Unlike Go, invalid UTF-8 is an error rather than silently replaced.
    public init(decoding data: ByteBuffer) throws(MsgDecodingError) {
        let result = data.withUnsafeReadableBytes { bytes in
            Result { () throws(MsgDecodingError) in
                var parser = MsgJSONParser(bytes: bytes)
                return try parser.parseMsg()
            }
        }
        self = try result.get()
    }
}

/// One pass over the packet: validates the whole JSON text and remembers where the last `Act`
/// and `Data` strings are, so only those two become `String`s.
struct MsgJSONParser {
    /// serde_json's limit: deep enough for any real message, shallow enough for the stack.
    static let maxNestingDepth = 128

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private var act: StringToken?
    private var data: StringToken?
    /// Go reports a wrong type only once the whole text is known to be valid JSON.
    private var typeError: MsgDecodingError?

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    mutating func parseMsg() throws(MsgDecodingError) -> Msg {
        guard !self.bytes.isEmpty else {
            throw .empty
        }
        self.skipWhitespace()
        let kind = try self.skipValue(depth: 1)
        if kind != .object && kind != .null {
            self.typeError = .notAnObject(kind)
        }
        self.skipWhitespace()
        if self.index < self.bytes.count {
            throw self.unexpectedCharacter(.afterValue)
        }
        if let typeError = self.typeError {
            throw typeError
        }
        var msg = Msg(act: "")
        if let act = self.act {
            msg.act = self.string(act)
        }
        if let data = self.data {
            msg.data = self.string(data)
        }
        return msg
    }

    /// Whether the whole text is one JSON value of any kind.
    mutating func isOneValue() -> Bool {
        do throws(MsgDecodingError) {
            self.skipWhitespace()
            try self.skipValue(depth: 1)
            self.skipWhitespace()
            return self.index == self.bytes.count
        } catch {
            return false
        }
    }

    // MARK: The Msg fields

    private mutating func parseField(_ field: MsgField) throws(MsgDecodingError) {
        switch try self.peek() {
        case UInt8(ascii: "\""):
            let token = try self.scanString()
            switch field {
            case .act: self.act = token
            case .data: self.data = token
            }
        default:
            let kind = try self.skipValue(depth: 2)
            if kind != .null, self.typeError == nil {
                self.typeError = .notAString(field, kind)
            }
        }
    }

    /// Go matches `Act` and `Data` by Unicode case folding; neither name has a letter that folds
    /// outside ASCII (as `k` and `s` do), so ASCII folding of the unescaped key is exact.
    private func field(named key: StringToken) -> MsgField? {
        if !key.hasEscapes {
            return Self.field(folding: UnsafeRawBufferPointer(rebasing: self.bytes[key.range]))
        }
        // Each of at most four ASCII letters takes at most six bytes when escaped.
        guard key.range.count <= 24 else {
            return nil
        }
        return withUnsafeTemporaryAllocation(byteCount: 24, alignment: 1) { scratch in
            let count = self.unescape(key, into: scratch)
            return Self.field(folding: UnsafeRawBufferPointer(rebasing: scratch[..<count]))
        }
    }

    private static func field(folding name: UnsafeRawBufferPointer) -> MsgField? {
        switch name.count {
        case 3 where name[0] | 0x20 == UInt8(ascii: "a") && name[1] | 0x20 == UInt8(ascii: "c")
            && name[2] | 0x20 == UInt8(ascii: "t"):
            .act
        case 4 where name[0] | 0x20 == UInt8(ascii: "d") && name[1] | 0x20 == UInt8(ascii: "a")
            && name[2] | 0x20 == UInt8(ascii: "t") && name[3] | 0x20 == UInt8(ascii: "a"):
            .data
        default:
            nil
        }
    }

    // MARK: Values, validated whether kept or skipped

    /// `depth` is the nesting depth an object or array starting here would have.
    @discardableResult
    private mutating func skipValue(
        depth: Int,
        context: JSONContext = .value
    ) throws(MsgDecodingError) -> JSONValueKind {
        switch try self.peek() {
        case UInt8(ascii: "\""):
            _ = try self.scanString()
            return .string
        case UInt8(ascii: "{"):
            try self.skipObject(depth: depth)
            return .object
        case UInt8(ascii: "["):
            try self.skipArray(depth: depth)
            return .array
        case UInt8(ascii: "t"):
            try self.skipLiteral("true")
            return .bool
        case UInt8(ascii: "f"):
            try self.skipLiteral("false")
            return .bool
        case UInt8(ascii: "n"):
            try self.skipLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try self.skipNumber()
            return .number
        default:
            throw self.unexpectedCharacter(context)
        }
    }

    /// Depth 1 is the Msg itself, whose `Act` and `Data` members are recorded.
    private mutating func skipObject(depth: Int) throws(MsgDecodingError) {
        if try self.enterContainer(depth: depth, closedBy: UInt8(ascii: "}")) {
            return
        }
        var context = JSONContext.keyOrObjectEnd
        while true {
            let key = try self.expectString(context)
            try self.expectColon()
            if depth == 1, let field = self.field(named: key) {
                try self.parseField(field)
            } else {
                try self.skipValue(depth: depth + 1)
            }
            if try self.afterMember() {
                return
            }
            context = .key
        }
    }

    private mutating func skipArray(depth: Int) throws(MsgDecodingError) {
        if try self.enterContainer(depth: depth, closedBy: UInt8(ascii: "]")) {
            return
        }
        var context = JSONContext.valueOrArrayEnd
        while true {
            try self.skipValue(depth: depth + 1, context: context)
            self.skipWhitespace()
            switch try self.peek() {
            case UInt8(ascii: ","):
                self.index += 1
                self.skipWhitespace()
                context = .value
            case UInt8(ascii: "]"):
                self.index += 1
                return
            default:
                throw self.unexpectedCharacter(.arraySeparator)
            }
        }
    }

    /// Steps past the opening bracket of an object or array at `depth`; true when it is empty,
    /// with its closing bracket consumed too.
    private mutating func enterContainer(depth: Int, closedBy end: UInt8) throws(MsgDecodingError) -> Bool {
        guard depth <= Self.maxNestingDepth else {
            throw .tooDeep(at: self.index)
        }
        self.index += 1
        self.skipWhitespace()
        guard try self.peek() == end else { return false }
        self.index += 1
        return true
    }

    private mutating func skipLiteral(_ literal: StaticString) throws(MsgDecodingError) {
        let expected = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for byte in expected {
            guard self.index < self.bytes.count else {
                throw .unexpectedEnd
            }
            guard self.bytes[self.index] == byte else {
                throw self.unexpectedCharacter(.literal)
            }
            self.index += 1
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    private mutating func skipNumber() throws(MsgDecodingError) {
        if self.bytes[self.index] == UInt8(ascii: "-") {
            self.index += 1
        }
        if try self.expectDigit() == UInt8(ascii: "0") {
            self.index += 1
        } else {
            self.skipDigits()
        }
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: ".") {
            self.index += 1
            _ = try self.expectDigit()
            self.skipDigits()
        }
        if self.index < self.bytes.count, self.bytes[self.index] | 0x20 == UInt8(ascii: "e") {
            self.index += 1
            if self.index < self.bytes.count,
                self.bytes[self.index] == UInt8(ascii: "+") || self.bytes[self.index] == UInt8(ascii: "-")
            {
                self.index += 1
            }
            _ = try self.expectDigit()
            self.skipDigits()
        }
    }

    private func expectDigit() throws(MsgDecodingError) -> UInt8 {
        let byte = try self.peek()
        guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else {
            throw self.unexpectedCharacter(.digit)
        }
        return byte
    }

    private mutating func skipDigits() {
        while self.index < self.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self.bytes[self.index]) {
            self.index += 1
        }
    }

    // MARK: Strings

    /// The contents of a string between its quotes, validated.
    struct StringToken {
        var range: Range<Int>
        var hasEscapes: Bool
    }

    @inline(__always)
    private mutating func expectString(_ context: JSONContext) throws(MsgDecodingError) -> StringToken {
        guard try self.peek() == UInt8(ascii: "\"") else {
            throw self.unexpectedCharacter(context)
        }
        return try self.scanString()
    }

    private mutating func scanString() throws(MsgDecodingError) -> StringToken {
        self.index += 1
        let start = self.index
        var hasEscapes = false
        while self.index < self.bytes.count {
            if self.index + ASCIIWord.byteCount <= self.bytes.count,
                Self.isPlainASCII(ASCIIWord.load(self.bytes, at: self.index))
            {
                self.index += ASCIIWord.byteCount
                continue
            }
            let byte = self.bytes[self.index]
            switch byte {
            case UInt8(ascii: "\""):
                self.index += 1
                return StringToken(range: start..<(self.index - 1), hasEscapes: hasEscapes)
            case UInt8(ascii: "\\"):
                hasEscapes = true
                try self.skipEscape()
            case 0x00..<0x20:
                throw self.unexpectedCharacter(.string)
            case 0x20..<0x80:
                self.index += 1
            default:
                guard let length = UTF8Sequence.length(in: self.bytes, at: self.index) else {
                    throw .invalidUTF8(at: self.index)
                }
                self.index += length
            }
        }
        throw .unexpectedEnd
    }

    /// Eight string bytes that need no look: no quote, backslash, control or non-ASCII byte.
    @inline(__always)
    private static func isPlainASCII(_ word: UInt64) -> Bool {
        let marks =
            ASCIIWord.nonASCIIMarks(word) | ASCIIWord.marks(below: 0x20, in: word)
            | ASCIIWord.marks(of: UInt8(ascii: "\""), in: word) | ASCIIWord.marks(of: UInt8(ascii: "\\"), in: word)
        return marks == 0
    }

    private mutating func skipEscape() throws(MsgDecodingError) {
        self.index += 1
        switch try self.peek() {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            self.index += 1
        case UInt8(ascii: "u"):
            self.index += 1
            for _ in 0..<4 {
                guard Self.hexValue(try self.peek()) != nil else {
                    throw self.unexpectedCharacter(.hexDigit)
                }
                self.index += 1
            }
        default:
            throw self.unexpectedCharacter(.escape)
        }
    }

    private func string(_ token: StringToken) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: self.bytes[token.range])
        guard token.hasEscapes else {
            return String(decoding: raw, as: UTF8.self)
        }
        // Every escape is at least as long as what it stands for.
        return String(unsafeUninitializedCapacity: raw.count) { utf8 in
            self.unescape(token, into: UnsafeMutableRawBufferPointer(utf8))
        }
    }

    /// Writes the string a validated token stands for; a lone surrogate escape becomes U+FFFD
    /// as in Go. Returns the number of bytes written.
    private func unescape(_ token: StringToken, into out: UnsafeMutableRawBufferPointer) -> Int {
        var written = 0
        var index = token.range.lowerBound
        func write(_ scalar: Unicode.Scalar) {
            for byte in UTF8.encode(scalar)! {
                out[written] = byte
                written += 1
            }
        }
        while index < token.range.upperBound {
            let byte = self.bytes[index]
            guard byte == UInt8(ascii: "\\") else {
                out[written] = byte
                written += 1
                index += 1
                continue
            }
            let escaped = self.bytes[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "b"): write("\u{08}")
            case UInt8(ascii: "f"): write("\u{0C}")
            case UInt8(ascii: "n"): write("\n")
            case UInt8(ascii: "r"): write("\r")
            case UInt8(ascii: "t"): write("\t")
            case UInt8(ascii: "u"):
                let unit = self.hexQuad(at: index)
                index += 4
                if let scalar = Unicode.Scalar(unit) {
                    write(scalar)
                } else if (0xD800...0xDBFF).contains(unit), let low = self.lowSurrogateEscape(at: index) {
                    index += 6
                    write(Unicode.Scalar(0x10000 + (unit - 0xD800) << 10 + (low - 0xDC00))!)
                } else {
                    write(Unicode.Scalar(0xFFFD)!)
                }
            default:
                out[written] = escaped
                written += 1
            }
        }
        return written
    }

    private func lowSurrogateEscape(at index: Int) -> UInt32? {
        guard index + 6 <= self.bytes.count, self.bytes[index] == UInt8(ascii: "\\"),
            self.bytes[index + 1] == UInt8(ascii: "u"),
            (0..<4).allSatisfy({ Self.hexValue(self.bytes[index + 2 + $0]) != nil })
        else {
            return nil
        }
        let unit = self.hexQuad(at: index + 2)
        return (0xDC00...0xDFFF).contains(unit) ? unit : nil
    }

    private func hexQuad(at index: Int) -> UInt32 {
        (0..<4).reduce(0) { value, offset in value << 4 | UInt32(Self.hexValue(self.bytes[index + offset])!) }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    // MARK: Structure

    @inline(__always)
    private mutating func expectColon() throws(MsgDecodingError) {
        self.skipWhitespace()
        guard try self.peek() == UInt8(ascii: ":") else {
            throw self.unexpectedCharacter(.colon)
        }
        self.index += 1
        self.skipWhitespace()
    }

    /// After an object member: true past `}`, false past `,` and the whitespace after it.
    @inline(__always)
    private mutating func afterMember() throws(MsgDecodingError) -> Bool {
        self.skipWhitespace()
        switch try self.peek() {
        case UInt8(ascii: ","):
            self.index += 1
            self.skipWhitespace()
            return false
        case UInt8(ascii: "}"):
            self.index += 1
            return true
        default:
            throw self.unexpectedCharacter(.objectSeparator)
        }
    }

    @inline(__always)
    private func peek() throws(MsgDecodingError) -> UInt8 {
        guard self.index < self.bytes.count else {
            throw .unexpectedEnd
        }
        return self.bytes[self.index]
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while self.index < self.bytes.count {
            switch self.bytes[self.index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                self.index += 1
            default:
                return
            }
        }
    }

    /// The byte at `index` does not fit `context`; names it, or reports invalid UTF-8 when it
    /// does not even start a character.
    private func unexpectedCharacter(_ context: JSONContext) -> MsgDecodingError {
        guard let length = UTF8Sequence.length(in: self.bytes, at: self.index) else {
            return .invalidUTF8(at: self.index)
        }
        let character = UTF8Sequence.scalar(in: self.bytes, at: self.index, length: length)
        return .invalidCharacter(character.errorDescription, at: self.index, context)
    }
}
