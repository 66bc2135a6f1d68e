import GatewayUpstream

extension GatewaySettings {
    /// The effective settings as YAML, one `key: value` line per key in table order, the admin
    /// token shown only as `<redacted>`, then the routes: what `check-config` prints.
    public var yamlDescription: String {
        let keys = SettingKeys.all.map { key in
            let text = key.currentText(in: self) ?? key.defaultText
            return "\(key.name): \(Self.yaml(text))"
        }
        let routes = RouteSettings.describe(upstream?.routes ?? UpstreamRoutes(), scalar: Self.yamlScalar)
        return (keys + [routes]).joined(separator: "\n")
    }

    private static func yaml(_ text: SettingText) -> String {
        switch text {
        case .unset: "null"
        case .single(let value): yamlScalar(value)
        case .list(let values): "[" + values.map(yamlScalar).joined(separator: ", ") + "]"
        }
    }

    /// Plain when YAML reads it back as the same text, double-quoted (JSON escapes) otherwise.
    private static func yamlScalar(_ value: String) -> String {
        let isPlain = value.wholeMatch(of: /[A-Za-z0-9][A-Za-z0-9._\/-]*(:[0-9]+)?/) != nil
        let readsAsOther = ["null", "Null", "NULL", "true", "false", "True", "False", "yes", "no"].contains(value)
        return isPlain && !readsAsOther ? value : SettingProblem.quoted(value)
    }
}
