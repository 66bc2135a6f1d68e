/// UTF-8 well-formedness as Go's `utf8.DecodeRune` and Unicode's table 3-7 define it.
enum UTF8Sequence {
    /// The length of the well-formed sequence starting at `index`, or nil when the bytes there
    /// are not one (overlong, surrogate, above U+10FFFF, truncated, stray continuation byte).
    @inline(__always)
    static func length(in bytes: UnsafeRawBufferPointer, at index: Int) -> Int? {
        let lead = bytes[index]
        if lead < 0x80 {
            return 1
        }
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: return nil
        }
        guard index + length <= bytes.count, secondRange.contains(bytes[index + 1]) else {
            return nil
        }
        for continuation in (index + 2)..<(index + length) where bytes[continuation] & 0xC0 != 0x80 {
            return nil
        }
        return length
    }

    /// The scalar of a sequence already known to be well formed.
    static func scalar(in bytes: UnsafeRawBufferPointer, at index: Int, length: Int) -> Unicode.Scalar {
        var value = UInt32(bytes[index])
        if length > 1 {
            value &= 0xFF >> (length + 1)
            for continuation in (index + 1)..<(index + length) {
                value = value << 6 | UInt32(bytes[continuation] & 0x3F)
            }
        }
        return Unicode.Scalar(value)!
    }
}
