import Foundation
import GatewayService
import Testing
import Yams

/// deploy/config.yaml documents every key with its default.
@Suite struct DeployConfigTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy/config.yaml").path

    @Test func deployConfigIsTheDefaultsExceptTheUpstream() throws {
        let settings = try SettingsLoader(commandLine: CommandLineSettings(configFile: Self.path), environment: [:]).load()
        var expected = GatewaySettings.defaults
        // Noted in the file: it points at the example backend where the default has no upstream.
        expected.upstream = try SettingsLoader(
            commandLine: CommandLineSettings(values: ["upstream": ["http://127.0.0.1:8080/acts/{act}"]]), environment: [:]
        ).load().upstream
        #expect(settings == expected)
    }

    @Test func deployConfigNamesEveryKey() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        let keys = try #require(try Yams.load(yaml: text) as? [String: Any]).keys
        #expect(Set(keys) == Set(SettingKeys.names))
    }

    /// The commented example routes, uncommented, are valid routes.
    @Test func deployConfigExampleRoutesLoad() throws {
        let text = try String(contentsOfFile: Self.path, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let example = lines.drop { $0 != "# routes:" }.prefix { $0.hasPrefix("# ") }.map { $0.dropFirst(2) }
        #expect(example.count > 1)
        let directory = try TemporaryDirectory()
        let path = try directory.file("routes.yaml", example.joined(separator: "\n") + "\n")
        let settings = try SettingsLoader(commandLine: CommandLineSettings(configFile: path), environment: [:]).load()
        #expect(settings.upstream?.routes.routes.map(\.act.description) == ["order.create", "order.*", "device.*"])
    }
}
