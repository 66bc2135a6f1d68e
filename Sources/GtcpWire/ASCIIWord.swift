/// Eight bytes tested at once (SWAR), so runs of plain ASCII in strings cost a few instructions
/// per word rather than a branch per byte.
///
/// Each `…Marks` value has a byte's high bit set where that byte may match, and is exact as a
/// whole: non-zero iff some byte matches. Marks combine with `|` and are tested once.
enum ASCIIWord {
    static let byteCount = 8
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highBits: UInt64 = 0x8080_8080_8080_8080

    @inline(__always)
    static func load(_ bytes: UnsafeRawBufferPointer, at index: Int) -> UInt64 {
        bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
    }

    /// Bytes of 0x80 and above.
    @inline(__always)
    static func nonASCIIMarks(_ word: UInt64) -> UInt64 {
        word & self.highBits
    }

    /// Bytes below `limit` (at most 0x80).
    @inline(__always)
    static func marks(below limit: UInt8, in word: UInt64) -> UInt64 {
        (word &- self.ones &* UInt64(limit)) & ~word & self.highBits
    }

    /// Bytes equal to `value`.
    @inline(__always)
    static func marks(of value: UInt8, in word: UInt64) -> UInt64 {
        let zeroWhereEqual = word ^ (self.ones &* UInt64(value))
        return (zeroWhereEqual &- self.ones) & ~zeroWhereEqual & self.highBits
    }
}
