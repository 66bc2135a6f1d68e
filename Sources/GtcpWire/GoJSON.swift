import NIOCore

/// JSON string quoting exactly as Go's `encoding/json` writes it (Go 1.22+, HTML escaping on).
///
/// `<` `>` `&` become `\u003c` `\u003e` `\u0026`, U+2028 and U+2029 become `\u2028` `\u2029`,
/// `"` `\` `\b` `\f` `\n` `\r` `\t` get their short escapes, other control bytes `\u00XX`,
/// each invalid UTF-8 byte `\ufffd`; everything else is copied as raw UTF-8.
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

    /// The length of the quoted form, without writing it.
    static func quotedByteCount(_ string: String) -> Int {
        var string = string
        var counter = ByteCounter()
        string.withUTF8 { self.quote(UnsafeRawBufferPointer($0), into: &counter) }
        return counter.count
    }

    static func writeQuoted(utf8 bytes: UnsafeRawBufferPointer, into buffer: inout ByteBuffer) {
        buffer.reserveCapacity(minimumWritableBytes: bytes.count + 2)
        self.quote(bytes, into: &buffer)
    }

    /// The one place that decides what Go escapes; sinks either write or count.
    private static func quote<Sink: QuotedStringSink>(_ bytes: UnsafeRawBufferPointer, into sink: inout Sink) {
        sink.append(quoteMark)
        var verbatimStart = 0
        var index = 0
        while index < bytes.count {
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
        sink.append(quoteMark)
    }

    @inline(__always)
    private static func isVerbatimASCII(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x00..<0x20, UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "<"), UInt8(ascii: ">"),
            UInt8(ascii: "&"):
            false
        default:
            true
        }
    }

    private static let quoteMark = Escape.verbatim(UInt8(ascii: "\""))
}

/// One escape sequence of a quoted string (or a lone quote mark).
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

    var byteCount: Int {
        switch self {
        case .verbatim: 1
        case .short: 2
        case .unicode: 6
        }
    }
}

protocol QuotedStringSink {
    mutating func append(_ bytes: UnsafeRawBufferPointer)
    mutating func append(_ escape: Escape)
}

struct ByteCounter: QuotedStringSink {
    var count = 0

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        self.count += bytes.count
    }

    mutating func append(_ escape: Escape) {
        self.count += escape.byteCount
    }
}

extension ByteBuffer: QuotedStringSink {
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        self.writeBytes(bytes)
    }

    mutating func append(_ escape: Escape) {
        switch escape {
        case .verbatim(let byte):
            self.writeInteger(byte)
        case .short(let character):
            self.writeInteger(UInt16(UInt8(ascii: "\\")) << 8 | UInt16(character))
        case .unicode(let value):
            let hex: StaticString = "0123456789abcdef"
            let digits = hex.utf8Start
            self.writeInteger(UInt16(UInt8(ascii: "\\")) << 8 | UInt16(UInt8(ascii: "u")))
            self.writeInteger(
                UInt32(digits[Int(value >> 12)]) << 24 | UInt32(digits[Int(value >> 8 & 0xF)]) << 16
                    | UInt32(digits[Int(value >> 4 & 0xF)]) << 8 | UInt32(digits[Int(value & 0xF)])
            )
        }
    }
}
