import ArgumentParser

struct ExampleUpstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "example-upstream")

    func run() async throws {
        throw ValidationError("not built yet")
    }
}
