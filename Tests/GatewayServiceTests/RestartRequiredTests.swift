import GatewayService
import Testing

@Suite struct RestartRequiredTests {
    private func settings(_ flags: [String: [String]]) throws -> GatewaySettings {
        try SettingsLoader(commandLine: CommandLineSettings(values: flags), environment: [:]).load()
    }

    private let base = ["upstream": ["http://a/{act}"]]

    @Test func liveKeysNeedNoRestart() throws {
        let changed = base.merging([
            "upstream": ["http://b/{act}"], "upstream-header": ["X: y"], "upstream-timeout": ["1s"],
            "upstream-connect-timeout": ["1s"], "log-level": ["debug"], "idle-timeout": ["0"],
            "greeting": ["hi"], "doexit-grace": ["1s"], "max-connection-age": ["1h"],
        ]) { $1 }
        var new = try settings(changed)
        new.adminToken = "t"
        #expect(restartRequired(from: try settings(base), to: new) == [])
    }

    @Test(arguments: [
        ("listen", "127.0.0.1:1"), ("header-size", "1"), ("max-data-size", "100"), ("max-connections", "5"),
        ("max-in-flight-per-connection", "5"), ("max-in-flight", "5"), ("max-outbound-bytes", "65536"),
        ("upstream-threads", "1"), ("upstream-max-connections", "8"),
        ("admin-listen", "off"),
        ("shutdown-grace", "1s"), ("log-format", "json"),
    ])
    func otherKeysNeedARestart(key: String, value: String) throws {
        // The data size limit stays 255 for header-size 1 so that only the key itself changes.
        let old = try settings(base.merging(["max-data-size": ["255"]]) { $1 })
        let new = try settings(base.merging(["max-data-size": ["255"]]) { $1 }.merging([key: [value]]) { $1 })
        #expect(restartRequired(from: old, to: new) == [key])
    }

    @Test func turningTheUpstreamOnOrOffNeedsARestart() throws {
        #expect(restartRequired(from: try settings([:]), to: try settings(base)) == ["upstream"])
        #expect(restartRequired(from: try settings(base), to: try settings([:])) == ["upstream"])
    }

    @Test func everyChangedKeyIsNamed() throws {
        let new = try settings(["listen": ["127.0.0.1:1"], "header-size": ["1"], "log-format": ["json"]])
        #expect(restartRequired(from: try settings([:]), to: new) == ["listen", "header-size", "max-data-size", "log-format"])
    }
}
