import NIOCore

/// JSON string quoting exactly as Go's `encoding/json` writes it (Go 1.22+, HTML escaping on).
///
/// `<` `>` `&` become `\u003c` `\u003e` `\u0026`, U+2028 and U+2029 become `\u2028` `\u2029`,
/// `"` `\` `\b` `\f` `\n` `\r` `\t` get their short escapes, other control bytes `\u00XX`,
/// each invalid UTF-8 byte `\ufffd`; everything else is copied as raw UTF-8.
///
/// Writers measure first and then fill the reserved bytes through a pointer: one scan is far
/// cheaper than a `ByteBuffer` write per run of text.
public enum GoJSON {
    public static func quote(_ string: String) -> String {
        var buffer = ByteBuffer()
        self.writeQuoted(string, into: &buffer)
        return String(buffer: buffer)
    }

    public static func writeQuoted(_ string: String, into buffer: inout ByteBuffer) {
        var string = string
        string.withUTF8 { self.writeQuoted(utf8: UnsafeRawBufferPointer($0), into: &buffer) }
    }

    /// Quotes raw bytes taken as UTF-8, escaping invalid bytes as Go does; a Swift `String`
    /// has already replaced them by a raw U+FFFD.
    public static func writeQuoted(utf8 bytes: ByteBuffer, into buffer: inout ByteBuffer) {
        bytes.withUnsafeReadableBytes { self.writeQuoted(utf8: $0, into: &buffer) }
    }

    private static func writeQuoted(utf8 bytes: UnsafeRawBufferPointer, into buffer: inout ByteBuffer) {
        var counter = ByteCounter()
        self.quote(bytes, into: &counter)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: counter.count) { out in
            var writer = RawWriter(out)
            self.quote(bytes, into: &writer)
            return writer.count
        }
    }

    /// The one place that decides what Go escapes; sinks either count or write.
    static func quote<Sink: QuotedStringSink>(_ string: String, into sink: inout Sink) {
        var string = string
        string.withUTF8 { self.quote(UnsafeRawBufferPointer($0), into: &sink) }
    }

    static func quote<Sink: QuotedStringSink>(_ bytes: UnsafeRawBufferPointer, into sink: inout Sink) {
        sink.append(.verbatim(UInt8(ascii: "\"")))
        var verbatimStart = 0
        var index = 0
        while index < bytes.count {
            if index + ASCIIWord.byteCount <= bytes.count,
                self.isVerbatimASCII(ASCIIWord.load(bytes, at: index))
            {
                index += ASCIIWord.byteCount
                continue
            }
            let byte = bytes[index]
            let escape: Escape
            let consumed: Int
            if byte < 0x80 {
                if self.isVerbatimASCII(byte) {
                    index += 1
                    continue
                }
                escape = Escape(ascii: byte)
                consumed = 1
            } else if let length = UTF8Sequence.length(in: bytes, at: index) {
                // E2 80 A8 and E2 80 A9 are U+2028 and U+2029, line terminators in JavaScript.
                guard length == 3, byte == 0xE2, bytes[index + 1] == 0x80, bytes[index + 2] & 0xFE == 0xA8 else {
                    index += length
                    continue
                }
                escape = .unicode(bytes[index + 2] == 0xA8 ? 0x2028 : 0x2029)
                consumed = 3
            } else {
                escape = .unicode(0xFFFD)
                consumed = 1
            }
            sink.append(UnsafeRawBufferPointer(rebasing: bytes[verbatimStart..<index]))
            sink.append(escape)
            index += consumed
            verbatimStart = index
        }
        sink.append(UnsafeRawBufferPointer(rebasing: bytes[verbatimStart..<index]))
        sink.append(.verbatim(UInt8(ascii: "\"")))
    }

    @inline(__always)
    private static func isVerbatimASCII(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x00..<0x20, UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "<"), UInt8(ascii: ">"),
            UInt8(ascii: "&"), 0x80...:
            false
        default:
            true
        }
    }

    @inline(__always)
    private static func isVerbatimASCII(_ word: UInt64) -> Bool {
        let marks =
            ASCIIWord.nonASCIIMarks(word) | ASCIIWord.marks(below: 0x20, in: word)
            | ASCIIWord.marks(of: UInt8(ascii: "\""), in: word) | ASCIIWord.marks(of: UInt8(ascii: "\\"), in: word)
            | ASCIIWord.marks(of: UInt8(ascii: "<"), in: word) | ASCIIWord.marks(of: UInt8(ascii: ">"), in: word)
            | ASCIIWord.marks(of: UInt8(ascii: "&"), in: word)
        return marks == 0
    }
}

/// One escape sequence of a quoted string, or a single byte of JSON punctuation.
enum Escape {
    case verbatim(UInt8)
    /// `\` followed by this character.
    case short(UInt8)
    /// `\u` followed by four lowercase hex digits.
    case unicode(UInt16)

    init(ascii byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): self = .short(byte)
        case 0x08: self = .short(UInt8(ascii: "b"))
        case 0x0C: self = .short(UInt8(ascii: "f"))
        case UInt8(ascii: "\n"): self = .short(UInt8(ascii: "n"))
        case UInt8(ascii: "\r"): self = .short(UInt8(ascii: "r"))
        case UInt8(ascii: "\t"): self = .short(UInt8(ascii: "t"))
        default: self = .unicode(UInt16(byte))
        }
    }
}

protocol QuotedStringSink {
    mutating func append(_ bytes: UnsafeRawBufferPointer)
    mutating func append(_ escape: Escape)
}

extension QuotedStringSink {
    mutating func append(_ text: StaticString) {
        self.append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}

struct ByteCounter: QuotedStringSink {
    var count = 0

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        self.count += bytes.count
    }

    mutating func append(_ escape: Escape) {
        switch escape {
        case .verbatim: self.count += 1
        case .short: self.count += 2
        case .unicode: self.count += 6
        }
    }
}

/// Fills memory already reserved to the size a `ByteCounter` measured.
struct RawWriter: QuotedStringSink {
    private let out: UnsafeMutableRawBufferPointer
    private(set) var count = 0

    init(_ out: UnsafeMutableRawBufferPointer) {
        self.out = out
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        UnsafeMutableRawBufferPointer(rebasing: self.out[self.count...]).copyMemory(from: bytes)
        self.count += bytes.count
    }

    mutating func append(_ escape: Escape) {
        switch escape {
        case .verbatim(let byte):
            self.put(byte)
        case .short(let character):
            self.put(UInt8(ascii: "\\"))
            self.put(character)
        case .unicode(let value):
            let hex: StaticString = "0123456789abcdef"
            self.put(UInt8(ascii: "\\"))
            self.put(UInt8(ascii: "u"))
            for shift in stride(from: 12, through: 0, by: -4) {
                self.put(hex.utf8Start[Int(value >> UInt16(shift) & 0xF)])
            }
        }
    }

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        self.out[self.count] = byte
        self.count += 1
    }
}
