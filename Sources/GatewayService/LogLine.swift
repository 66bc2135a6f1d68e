#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import SettingsText

/// Renders one log record as one line of bytes, without Foundation formatters: the clock is
/// broken down with localtime_r/gmtime_r and the digits are written directly.
enum LogLine {
    static func plain(
        time: timespec, level: Logger.Level, message: String, metadata: Logger.Metadata, journal: Bool
    ) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(128 + message.utf8.count)
        if journal {
            line += "<\(syslogPriority(level))>".utf8
        } else {
            appendLocalTimestamp(time, to: &line)
            line.append(UInt8(ascii: " "))
        }
        appendPlainText(message, to: &line)
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            line.append(UInt8(ascii: " "))
            line += key.utf8
            line.append(UInt8(ascii: "="))
            appendPlainValue("\(value)", to: &line)
        }
        line.append(UInt8(ascii: "\n"))
        return line
    }

    static func json(time: timespec, level: Logger.Level, message: String, metadata: Logger.Metadata) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(160 + message.utf8.count)
        line += #"{"time":""#.utf8
        appendUTCTimestamp(time, to: &line)
        line += #"","level":""#.utf8
        line += level.rawValue.utf8
        line += #"","message":"#.utf8
        appendJSONString(message, to: &line)
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            line.append(UInt8(ascii: ","))
            // Metadata never overwrites the record's own fields.
            appendJSONString(["time", "level", "message"].contains(key) ? "metadata.\(key)" : key, to: &line)
            line.append(UInt8(ascii: ":"))
            appendJSON(value, to: &line)
        }
        line += "}\n".utf8
        return line
    }

    /// sd-daemon.h: SD_CRIT 2 ... SD_DEBUG 7.
    static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    // MARK: Time

    /// `2019-05-03 14:59:13.732` in local time.
    private static func appendLocalTimestamp(_ time: timespec, to line: inout [UInt8]) {
        var seconds = time.tv_sec
        var parts = tm()
        localtime_r(&seconds, &parts)
        append(count: UTCTimestamp.dateTimeByteCount, to: &line) { bytes in
            UTCTimestamp.fillDateTime(
                parts, millisecond: Int(time.tv_nsec) / 1_000_000, separator: UInt8(ascii: " "), into: bytes)
        }
    }

    /// `2019-05-03T12:59:13.732Z` (RFC 3339, UTC).
    private static func appendUTCTimestamp(_ time: timespec, to line: inout [UInt8]) {
        append(count: UTCTimestamp.byteCount, to: &line) { bytes in
            UTCTimestamp.fill(seconds: Int(time.tv_sec), millisecond: Int(time.tv_nsec) / 1_000_000, into: bytes)
        }
    }

    /// `count` bytes at the end of `line`, written by `fill`.
    private static func append(
        count: Int, to line: inout [UInt8], _ fill: (UnsafeMutableRawBufferPointer) -> Void
    ) {
        let start = line.count
        line += repeatElement(0, count: count)
        line.withUnsafeMutableBytes { fill(UnsafeMutableRawBufferPointer(rebasing: $0[start...])) }
    }

    // MARK: Values

    /// Control characters as `\n`, `\r`, `\t`, `\xHH` (C1 ones `\u00HH`): a message quotes what
    /// clients and peers send, and that text must not end the line, forge another, or drive a
    /// terminal. Escaping here, where every message passes, means no log call can forget it.
    private static func appendPlainText(_ text: String, to line: inout [UInt8]) {
        // 0xC2 leads the UTF-8 of every C1 control.
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }) else {
            line += text.utf8
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: line += #"\n"#.utf8
            case 0x0D: line += #"\r"#.utf8
            case 0x09: line += #"\t"#.utf8
            case 0..<0x20, 0x7F: appendHex(#"\x"#, scalar.value, to: &line)
            case 0x80..<0xA0: appendHex(#"\u00"#, scalar.value, to: &line)
            default: UTF8.encode(scalar) { line.append($0) }
            }
        }
    }

    private static func appendHex(_ prefix: String, _ value: UInt32, to line: inout [UInt8]) {
        line += prefix.utf8
        line.append(hexDigits[Int(value >> 4)])
        line.append(hexDigits[Int(value & 0xF)])
    }

    /// Bare when unambiguous, quoted (JSON escapes) when empty or holding spaces, quotes, `=`
    /// or control characters, so every line splits back into its fields.
    private static func appendPlainValue(_ value: String, to line: inout [UInt8]) {
        let needsQuotes =
            value.isEmpty
            || value.utf8.contains { $0 <= 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "=") }
        if needsQuotes {
            appendJSONString(value, to: &line)
        } else {
            line += value.utf8
        }
    }

    private static func appendJSON(_ value: Logger.MetadataValue, to line: inout [UInt8]) {
        switch value {
        case .string(let text):
            appendJSONString(text, to: &line)
        case .stringConvertible(let convertible):
            appendJSONString(convertible.description, to: &line)
        case .array(let values):
            line.append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { line.append(UInt8(ascii: ",")) }
                appendJSON(element, to: &line)
            }
            line.append(UInt8(ascii: "]"))
        case .dictionary(let entries):
            line.append(UInt8(ascii: "{"))
            for (index, (key, element)) in entries.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { line.append(UInt8(ascii: ",")) }
                appendJSONString(key, to: &line)
                line.append(UInt8(ascii: ":"))
                appendJSON(element, to: &line)
            }
            line.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func appendJSONString(_ text: String, to line: inout [UInt8]) {
        line.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): line += #"\""#.utf8
            case UInt8(ascii: "\\"): line += #"\\"#.utf8
            case UInt8(ascii: "\n"): line += #"\n"#.utf8
            case UInt8(ascii: "\r"): line += #"\r"#.utf8
            case UInt8(ascii: "\t"): line += #"\t"#.utf8
            case 0..<0x20, 0x7F: appendHex(#"\u00"#, UInt32(byte), to: &line)
            default: line.append(byte)
            }
        }
        line.append(UInt8(ascii: "\""))
    }
}
