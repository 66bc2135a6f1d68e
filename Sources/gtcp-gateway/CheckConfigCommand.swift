import ArgumentParser

struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config")

    func run() async throws {
        throw ValidationError("not built yet")
    }
}
