extension Unicode.Scalar {
    /// How error texts show an offending character: printable ASCII quoted (`'x'`), anything
    /// else as a code point (`U+000A`), so invisible and confusable characters are unambiguous.
    var errorDescription: String {
        switch self.value {
        case 0x27:
            return #"'\''"#
        case 0x20...0x7E:
            return "'\(self)'"
        default:
            let digits = String(self.value, radix: 16, uppercase: true)
            return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        }
    }
}
