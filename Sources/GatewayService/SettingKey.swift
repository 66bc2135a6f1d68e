/// One setting, as every source spells it: flag `--NAME`, environment variable
/// `GTCP_GATEWAY_NAME` (upper case, dashes as underscores) and file key `NAME`.
public struct SettingKey<Value: Sendable & Equatable>: Sendable {
    public let name: String
    /// How `--help` shows the value, e.g. `duration`.
    public let valueName: String
    /// One line for `--help` and the sample configuration.
    public let summary: String
    public let defaultValue: Value
    /// Whether a reload applies a change without a restart.
    let isLive: Bool
    let syntax: ValueSyntax<Value>
    /// The key's value in effective settings; nil where the settings do not keep it
    /// (the upstream timeouts when there is no upstream).
    let current: @Sendable (GatewaySettings) -> Value?

    init(
        _ name: String, _ valueName: String, _ summary: String, default defaultValue: Value,
        live isLive: Bool, _ syntax: ValueSyntax<Value>,
        current: @escaping @Sendable (GatewaySettings) -> Value?
    ) {
        self.name = name
        self.valueName = valueName
        self.summary = summary
        self.defaultValue = defaultValue
        self.isLive = isLive
        self.syntax = syntax
        self.current = current
    }

    func parse(_ texts: [String]) throws(SettingProblem) -> Value {
        try syntax.parse(name, texts)
    }
}

/// How a value is written in text and read back.
struct ValueSyntax<Value: Sendable>: Sendable {
    /// What the value may be, for `--help` ("1..4").
    let allowed: String
    /// Whether the key takes several values (repeated flag, YAML list, lines of a variable).
    let isList: Bool
    let parse: @Sendable (_ key: String, _ texts: [String]) throws(SettingProblem) -> Value
    let format: @Sendable (Value) -> SettingText
}

/// A value as text: what `check-config` prints and a file would contain.
enum SettingText: Sendable, Equatable {
    case unset
    case single(String)
    case list([String])
}

/// One thing wrong with the settings, as one line for the operator.
struct SettingProblem: Error, Sendable, Equatable {
    let message: String

    init(_ message: String) {
        self.message = message
    }

    /// `header-size must be 1..4, got 7`; the value is quoted unless it is a plain number.
    static func notAllowed(_ key: String, _ allowed: String, got text: String) -> SettingProblem {
        SettingProblem("\(key) must be \(allowed), got \(shown(text))")
    }

    static func shown(_ text: String) -> String {
        let isNumber = text.wholeMatch(of: /-?[0-9]+/) != nil
        return isNumber ? text : quoted(text)
    }

    /// Double-quoted with JSON escapes, which YAML reads too. Controls (C0, DEL and C1) and the
    /// noncharacters U+FFFE and U+FFFF are escaped: YAML refuses them in a stream, and reads NEL
    /// (U+0085) inside quotes as a line break.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: result += "\\\""
            case 0x5C: result += "\\\\"
            case 0x0A: result += "\\n"
            case 0x0D: result += "\\r"
            case 0x09: result += "\\t"
            case 0..<0x20, 0x7F...0x9F, 0xFFFE, 0xFFFF:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

/// What the key table needs of a key without knowing its value type.
protocol AnySettingKey: Sendable {
    var name: String { get }
    var summary: String { get }
    var isLive: Bool { get }
    var isList: Bool { get }
    var allowed: String { get }
    var defaultText: SettingText { get }
    func currentText(in settings: GatewaySettings) -> SettingText?
}

extension SettingKey: AnySettingKey {
    var isList: Bool { syntax.isList }
    var allowed: String { syntax.allowed }
    var defaultText: SettingText { syntax.format(defaultValue) }

    func currentText(in settings: GatewaySettings) -> SettingText? {
        current(settings).map(syntax.format)
    }
}

extension AnySettingKey {
    var environmentName: String {
        "GTCP_GATEWAY_" + String(name.uppercased().map { $0 == "-" ? "_" : $0 })
    }

    /// `--help` text: what it is, what it may be, its default and its variable.
    var helpText: String {
        let defaultShown: String
        switch defaultText {
        case .unset: defaultShown = "none"
        case .single(let text): defaultShown = text.isEmpty ? "\"\"" : text
        case .list(let texts): defaultShown = texts.isEmpty ? "none" : texts.joined(separator: ", ")
        }
        let repeated = isList ? "; repeatable" : ""
        return "\(summary) (\(allowed); default: \(defaultShown)\(repeated); env \(environmentName))"
    }
}

extension SettingKey {
    public var help: String { helpText }
}
