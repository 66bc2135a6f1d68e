import ArgumentParser
import GatewayService

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway (the default command).",
        discussion: """
            Settings come from these flags, then GTCP_GATEWAY_* environment variables, then the \
            --config file, then defaults. SIGTERM or SIGINT drains and stops; SIGHUP reloads.
            """
    )

    @OptionGroup var settings: SettingsOptions

    func run() async throws {
        let loader = SettingsLoader(commandLine: settings.commandLine)
        let settings: GatewaySettings
        do {
            settings = try loader.load()
        } catch {
            printToStandardError(error.description)
            throw ExitCode(1)
        }
        let logLevel = SharedLogLevel(settings.logLevel)
        GatewayLogHandler.bootstrap(format: settings.logFormat, level: logLevel)
        do {
            try await GatewayApplication(loader: loader, settings: settings, logLevel: logLevel).run()
        } catch {
            printToStandardError("gtcp-gateway: \(error)")
            throw ExitCode(1)
        }
    }
}
