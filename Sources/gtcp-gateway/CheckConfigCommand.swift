import ArgumentParser
import GatewayService

struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Print the effective settings, or every problem with them."
    )

    @OptionGroup var settings: SettingsOptions

    func run() async throws {
        do {
            print(try SettingsLoader(commandLine: settings.commandLine).load().yamlDescription)
        } catch {
            printToStandardError(error.description)
            throw ExitCode(1)
        }
    }
}
