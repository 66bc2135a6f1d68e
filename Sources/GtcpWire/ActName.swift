/// The acts a gateway routes: short ASCII names that are safe in a URL path, a header and a log line.
public enum ActName {
    public static let maxLength = 128

    /// nil when valid: letters, digits, `.`, `_`, `-`, `:`; 1...128 characters (ASCII only).
    public static func validationError(_ act: String) -> String? {
        let length = act.utf8.count
        guard length > 0 else {
            return "act is empty"
        }
        guard length <= Self.maxLength else {
            return "act is \(length) bytes long, at most \(Self.maxLength) allowed"
        }
        guard let invalid = act.unicodeScalars.first(where: { !Self.isAllowed($0) }) else {
            return nil
        }
        return "act \(GoJSON.quote(act)) has an invalid character \(invalid.errorDescription) "
            + "(allowed: letters, digits, . _ - :)"
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-", ":": true
        default: false
        }
    }
}
