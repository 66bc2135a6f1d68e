import GatewayService
import Testing

@Suite struct SettingsDescriptionTests {
    @Test func describedSettingsLoadBackAsTheSameSettings() throws {
        let flags: [String: [String]] = [
            "listen": ["[::1]:0"], "greeting": ["say \"hi\"\nnull: {x} # not a comment"], "idle-timeout": ["1.5s"],
            "max-connection-age": ["2h"], "upstream": ["https://h:1/a/{act}?q=1"], "upstream-header": ["X-A: a: b"],
            "admin-listen": ["off"], "header-size": ["3"], "max-data-size": ["1000"], "log-level": ["notice"],
            "doexit-grace": ["0"], "upstream-timeout": ["0.0005"],
        ]
        let settings = try SettingsLoader(commandLine: CommandLineSettings(values: flags), environment: [:]).load()
        let directory = try TemporaryDirectory()
        let path = try directory.file("described.yaml", settings.yamlDescription)
        let reloaded = try SettingsLoader(commandLine: CommandLineSettings(configFile: path), environment: [:]).load()
        #expect(reloaded == settings, "\(settings.yamlDescription)")
    }

    /// YAML refuses C1 controls and U+FFFE/U+FFFF in a stream and reads NEL as a line break;
    /// U+2028 and U+2029, which YAML 1.1 also lists as breaks, must come back as written too.
    @Test(arguments: ["caf\u{9E}", "a\u{85}b", "a\u{2028}b\u{2029}c", "del\u{7F}", "bell\u{7}", "no\u{FFFE}\u{FFFF}"])
    func describedTextLoadsBackWithEveryCharacterItHad(greeting: String) throws {
        let settings = try SettingsLoader(
            commandLine: CommandLineSettings(values: ["greeting": [greeting], "admin-listen": ["off"]]), environment: [:]
        ).load()
        let directory = try TemporaryDirectory()
        let path = try directory.file("described.yaml", settings.yamlDescription)
        let reloaded = try SettingsLoader(commandLine: CommandLineSettings(configFile: path), environment: [:]).load()
        #expect(reloaded.greeting == greeting)
    }

    @Test func everyKeyIsDescribedInTableOrderThenTheRoutes() {
        let keys = GatewaySettings.defaults.yamlDescription.split(separator: "\n").map { $0.prefix { $0 != ":" } }
        #expect(keys.map(String.init) == SettingKeys.names + ["routes"])
    }
}
