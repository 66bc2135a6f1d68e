import ArgumentParser

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure a gtcp server: round trips, forwarded acts, idle connections.",
        subcommands: [BenchRunCommand.self, BenchFloorCommand.self, BenchReportCommand.self],
        defaultSubcommand: BenchRunCommand.self
    )
}
