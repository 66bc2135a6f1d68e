import ArgumentParser
import ExampleBackend
import Logging

struct ExampleUpstreamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "example-upstream",
        abstract: "Run the demo HTTP backend (acts echo, time, sum, whoami) until SIGINT or SIGTERM."
    )

    @Option(help: "Address to listen on, host:port ([::1]:8080 for IPv6).")
    var listen = "127.0.0.1:8080"

    func validate() throws {
        _ = try listenAddress()
    }

    func run() async throws {
        let (host, port) = try listenAddress()
        try await ExampleBackend.serve(host: host, port: port, logger: Logger(label: "gtcp-gateway.example-upstream"))
    }

    private func listenAddress() throws -> (host: String, port: Int) {
        guard let colon = listen.lastIndex(of: ":"),
            let port = Int(listen[listen.index(after: colon)...]), (0...65_535).contains(port)
        else {
            throw ValidationError("--listen must be host:port, got \"\(listen)\"")
        }
        let host = listen[..<colon]
        let unbracketed = host.hasPrefix("[") && host.hasSuffix("]") ? host.dropFirst().dropLast() : host
        guard !unbracketed.isEmpty else {
            throw ValidationError("--listen must be host:port, got \"\(listen)\"")
        }
        return (String(unbracketed), port)
    }
}
