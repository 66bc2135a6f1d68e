import GatewayService
import Testing

@Suite struct AdminTokenTests {
    private func load(
        flags: [String: [String]] = [:], environment: [String: String] = [:], file: String? = nil
    ) throws(SettingsError) -> GatewaySettings {
        try SettingsLoader(commandLine: CommandLineSettings(configFile: file, values: flags), environment: environment)
            .load()
    }

    @Test func tokenFileIsReadAndTrimmed() throws {
        let directory = try TemporaryDirectory()
        let token = try directory.file("token", "  s3cret\n")
        #expect(try load(flags: ["admin-token-file": [token]]).adminToken == "s3cret")
    }

    @Test func environmentVariableIsTheTokenItself() throws {
        #expect(try load(environment: ["GTCP_GATEWAY_ADMIN_TOKEN": "s3cret"]).adminToken == "s3cret")
    }

    @Test func flagFileBeatsEnvironmentTokenWhichBeatsConfigFile() throws {
        let directory = try TemporaryDirectory()
        let flagToken = try directory.file("flag-token", "from-flag")
        let fileToken = try directory.file("file-token", "from-file")
        let config = try directory.file("config.yaml", "admin-token-file: \(fileToken)\n")
        let environment = ["GTCP_GATEWAY_ADMIN_TOKEN": "from-env"]
        #expect(try load(file: config).adminToken == "from-file")
        #expect(try load(environment: environment, file: config).adminToken == "from-env")
        #expect(try load(flags: ["admin-token-file": [flagToken]], environment: environment, file: config).adminToken
            == "from-flag")
    }

    @Test func aTokenFileThatLosesIsNotRead() throws {
        let directory = try TemporaryDirectory()
        let config = try directory.file("config.yaml", "admin-token-file: \(directory.path)/missing\n")
        #expect(try load(environment: ["GTCP_GATEWAY_ADMIN_TOKEN": "t"], file: config).adminToken == "t")
    }

    @Test func unreadableEmptyOrDoubleTokensAreClearErrors() throws {
        let directory = try TemporaryDirectory()
        let empty = try directory.file("empty", "\n")
        let missing = directory.path + "/missing"
        let cases: [([String: [String]], [String: String], String)] = [
            (["admin-token-file": [missing]], [:], "admin-token-file \(missing) cannot be read: No such file or directory"),
            (["admin-token-file": [directory.path]], [:], "admin-token-file \(directory.path) cannot be read: is a directory"),
            (["admin-token-file": [empty]], [:], "admin-token-file \(empty) is empty"),
            ([:], ["GTCP_GATEWAY_ADMIN_TOKEN": " "], "GTCP_GATEWAY_ADMIN_TOKEN is empty"),
            ([:], ["GTCP_GATEWAY_ADMIN_TOKEN": "a", "GTCP_GATEWAY_ADMIN_TOKEN_FILE": empty],
             "set only one of GTCP_GATEWAY_ADMIN_TOKEN and GTCP_GATEWAY_ADMIN_TOKEN_FILE"),
        ]
        for (flags, environment, message) in cases {
            #expect(throws: SettingsError(problems: [message])) { try load(flags: flags, environment: environment) }
        }
    }

    @Test func checkConfigOutputNeverShowsTheToken() throws {
        let settings = try load(environment: ["GTCP_GATEWAY_ADMIN_TOKEN": "s3cret"])
        #expect(!settings.yamlDescription.contains("s3cret"))
        #expect(settings.yamlDescription.contains(#"admin-token-file: "<redacted>""#))
    }
}
