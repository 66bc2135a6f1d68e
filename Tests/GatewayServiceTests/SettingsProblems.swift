import GatewayService

/// What loading these settings reports as wrong; none when they load.
func settingsProblems(
    _ flags: [String: [String]] = [:], environment: [String: String] = [:], file: String? = nil
) -> [String] {
    do {
        _ = try SettingsLoader(commandLine: CommandLineSettings(configFile: file, values: flags), environment: environment)
            .load()
        return []
    } catch {
        return error.problems
    }
}
