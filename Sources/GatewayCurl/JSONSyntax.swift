import GatewayUpstream
/// Whether a text is one JSON value (RFC 8259, any value including scalars), checked without
/// building it. Iterative, so a deeply nested packet cannot exhaust the stack.
enum JSONSyntax {
    static func isValid(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var scanner = Scanner(bytes: bytes)
            return scanner.scanDocument()
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        /// Open containers, innermost last: true for an object.
        var containers: [Bool] = []

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func scanDocument() -> Bool {
            while true {
                skipWhitespace()
                switch current {
                case UInt8(ascii: "{"):
                    index += 1
                    skipWhitespace()
                    if current == UInt8(ascii: "}") {
                        index += 1
                    } else {
                        containers.append(true)
                        guard scanMemberName() else { return false }
                        continue
                    }
                case UInt8(ascii: "["):
                    index += 1
                    skipWhitespace()
                    if current == UInt8(ascii: "]") {
                        index += 1
                    } else {
                        containers.append(false)
                        continue
                    }
                default:
                    guard scanScalar() else { return false }
                }
                // A value just ended: close containers, or expect the next element.
                while true {
                    skipWhitespace()
                    guard let isObject = containers.last else { return index == bytes.count }
                    if current == UInt8(ascii: ",") {
                        index += 1
                        if isObject {
                            guard scanMemberName() else { return false }
                        }
                        break
                    }
                    guard current == UInt8(ascii: isObject ? "}" : "]") else { return false }
                    index += 1
                    containers.removeLast()
                }
            }
        }

        /// `"name" :` before a member's value.
        mutating func scanMemberName() -> Bool {
            skipWhitespace()
            guard current == UInt8(ascii: "\""), scanString() else { return false }
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { return false }
            index += 1
            return true
        }

        mutating func scanScalar() -> Bool {
            guard let byte = current else { return false }
            switch byte {
            case UInt8(ascii: "\""): return scanString()
            case UInt8(ascii: "t"): return scanLiteral("true")
            case UInt8(ascii: "f"): return scanLiteral("false")
            case UInt8(ascii: "n"): return scanLiteral("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return scanNumber()
            default: return false
            }
        }

        mutating func scanLiteral(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard bytes.count - index >= count else { return false }
            for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] {
                return false
            }
            index += count
            return true
        }

        mutating func scanNumber() -> Bool {
            if current == UInt8(ascii: "-") { index += 1 }
            if current == UInt8(ascii: "0") {
                index += 1
            } else if scanDigits() == 0 {
                return false
            }
            if current == UInt8(ascii: ".") {
                index += 1
                guard scanDigits() > 0 else { return false }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard scanDigits() > 0 else { return false }
            }
            return true
        }

        mutating func scanDigits() -> Int {
            let start = index
            while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
            return index - start
        }

        /// The input is a Swift String, so its UTF-8 is already valid; only JSON's rules remain.
        mutating func scanString() -> Bool {
            index += 1
            while let byte = current {
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return true
                case UInt8(ascii: "\\"):
                    guard let escaped = current else { return false }
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                        UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        continue
                    case UInt8(ascii: "u"):
                        for _ in 0..<4 {
                            guard let hex = current, hex.isHexDigit else { return false }
                            index += 1
                        }
                    default:
                        return false
                    }
                case 0..<0x20:
                    return false
                default:
                    continue
                }
            }
            return false
        }

        mutating func skipWhitespace() {
            while let byte = current,
                byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
                    || byte == UInt8(ascii: "\r")
            {
                index += 1
            }
        }
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
            || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(self)
    }
}
