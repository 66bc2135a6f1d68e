#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// `2025-01-31T09:15:02.118Z`: RFC 3339 in UTC with milliseconds (truncated), as the admin API,
/// the lifecycle events and JSON log lines write times. Written digit by digit from gmtime_r:
/// Foundation's formatter costs more than the rest of a listed connection together.
public enum UTCTimestamp {
    public static let byteCount = 24

    public static func string(_ date: Date) -> String {
        String(unsafeUninitializedCapacity: byteCount) { out in
            fill(date, into: UnsafeMutableRawBufferPointer(out))
            return byteCount
        }
    }

    /// Fills the first `byteCount` bytes of `out`.
    public static func fill(_ date: Date, into out: UnsafeMutableRawBufferPointer) {
        let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded(.down))
        let (seconds, millisecond) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        // Before 1970 the remainder is negative: borrow a second.
        let borrow = millisecond < 0 ? 1 : 0
        fill(seconds: seconds - borrow, millisecond: millisecond + borrow * 1000, into: out)
    }

    /// Fills the first `byteCount` bytes of `out`.
    public static func fill(seconds: Int, millisecond: Int, into out: UnsafeMutableRawBufferPointer) {
        precondition(out.count >= byteCount)
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        fillDateTime(parts, millisecond: millisecond, separator: UInt8(ascii: "T"), into: out)
        out[dateTimeByteCount] = UInt8(ascii: "Z")
    }

    /// `2025-01-31 09:15:02.118` without a zone: the date, `separator`, the time.
    public static let dateTimeByteCount = 23

    /// Fills the first `dateTimeByteCount` bytes of `out` from broken-down time (gmtime_r's, or
    /// localtime_r's for local time).
    public static func fillDateTime(
        _ parts: tm, millisecond: Int, separator: UInt8, into out: UnsafeMutableRawBufferPointer
    ) {
        precondition(out.count >= dateTimeByteCount)
        var index = 0
        func digits(_ value: Int, width: Int) {
            var value = value
            for position in stride(from: index + width - 1, through: index, by: -1) {
                out[position] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
            index += width
        }
        func byte(_ value: UInt8) {
            out[index] = value
            index += 1
        }
        digits(Int(parts.tm_year) + 1900, width: 4)
        byte(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, width: 2)
        byte(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), width: 2)
        byte(separator)
        digits(Int(parts.tm_hour), width: 2)
        byte(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), width: 2)
        byte(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), width: 2)
        byte(UInt8(ascii: "."))
        digits(millisecond, width: 3)
    }
}
