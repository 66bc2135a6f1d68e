import ArgumentParser
import GatewayService

struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Print the effective settings and what looks like a mistake in them, or every problem with them."
    )

    @OptionGroup var settings: SettingsOptions

    func run() async throws {
        let loaded: GatewaySettings
        do {
            loaded = try SettingsLoader(commandLine: settings.commandLine).load()
        } catch {
            printToStandardError(error.description)
            throw ExitCode(1)
        }
        print(loaded.yamlDescription)
        for warning in loaded.warnings {
            printToStandardError("warning: \(warning)")
        }
    }
}
