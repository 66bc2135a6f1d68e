import ArgumentParser

@main
struct GtcpGatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gtcp-gateway",
        abstract: "A gateway between gtcp TCP clients and an HTTP backend.",
        subcommands: [
            ServeCommand.self,
            ClientCommand.self,
            CheckConfigCommand.self,
            ExampleUpstreamCommand.self,
            BenchCommand.self,
            ClusterSchemaCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )
}
