import GatewayService
import SettingsText
import Testing

@Suite struct SettingsFileTests {
    private func load(_ path: String) throws(SettingsError) -> GatewaySettings {
        try SettingsLoader(commandLine: CommandLineSettings(configFile: path), environment: [:]).load()
    }

    private func problems(_ path: String) -> [String] {
        settingsProblems(file: path)
    }

    @Test func yamlAndJsonFilesGiveTheSameSettings() throws {
        let directory = try TemporaryDirectory()
        let yaml = try directory.file("config.yaml", """
            listen: "[::1]:7000"
            header-size: 4
            idle-timeout: 0
            admin-listen: off
            upstream: http://127.0.0.1:8080/acts/{act}
            upstream-header:
              - "X-A: 1"
              - "X-B: 2"
            greeting: ~
            """)
        let json = try directory.file("config.json", """
            {"listen": "[::1]:7000", "header-size": 4, "idle-timeout": 0, "admin-listen": "off",
             "upstream": "http://127.0.0.1:8080/acts/{act}", "upstream-header": ["X-A: 1", "X-B: 2"],
             "greeting": null}
            """)
        let fromYAML = try load(yaml)
        #expect(fromYAML == (try load(json)))
        #expect(fromYAML.listen == HostPort(host: "::1", port: 7000))
        #expect(fromYAML.framing.headerSize == 4)
        #expect(fromYAML.idleTimeout == nil)
        #expect(fromYAML.adminListen == nil)
        #expect(fromYAML.upstream?.headers.count == 2)
        #expect(fromYAML.greeting == "Nice to meet you!", "null leaves the default")
    }

    @Test func unknownKeyNamesFileAndKeyAndSuggestsTheNearest() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.file("config.yaml", "listen: 127.0.0.1:1\nidle-timout: 5s\nadmin-token: x\n")
        #expect(problems(path) == [
            #"\#(path):2: unknown key "idle-timout" (did you mean "idle-timeout"?)"#,
            #"\#(path):3: unknown key "admin-token" (did you mean "admin-token-file"?)"#,
        ])
    }

    @Test func missingUnreadableAndInvalidFilesAreClearErrors() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.path + "/missing.yaml"
        #expect(problems(missing) == ["cannot read config file \(missing): No such file or directory"])
        #expect(problems(directory.path) == ["cannot read config file \(directory.path): is a directory"])

        let invalid = try directory.file("invalid.yaml", "listen: [127.0.0.1:1\n")
        let invalidProblems = problems(invalid)
        #expect(invalidProblems.count == 1)
        #expect(invalidProblems.first?.hasPrefix("config file \(invalid) is not valid YAML: line ") == true)

        let list = try directory.file("list.yaml", "- listen\n")
        #expect(problems(list) == [
            #"config file \#(list) must be a mapping of setting keys like "listen: 127.0.0.1:8999""#
        ])
    }

    @Test func aListOrMappingWhereOneValueBelongsIsAnError() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.file("config.yaml", "header-size: [1, 2]\nlisten:\n  host: x\n")
        #expect(problems(path) == ["\(path):1: header-size must be a single value", "\(path):2: listen must be a single value"])
    }

    @Test func badValuesInTheFileAreReportedWithUnknownKeys() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.file("config.json", #"{"header-size": 7, "colour": "blue"}"#)
        let found = problems(path)
        #expect(found.count == 2)
        #expect(found.contains("header-size must be 1..4, got 7"))
        #expect(found.first?.hasPrefix("\(path):1: unknown key \"colour\"") == true)
    }

    @Test func anEmptyFileSetsNothing() throws {
        let directory = try TemporaryDirectory()
        #expect(try load(try directory.file("empty.yaml", "# nothing yet\n")) == GatewaySettings.defaults)
    }
}
