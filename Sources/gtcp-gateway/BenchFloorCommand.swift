import ArgumentParser
import Foundation
import GatewayBench
import GatewayService
import SettingsText

struct BenchFloorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "floor",
        abstract: "Run the floor server the gateway is measured against, until killed.",
        discussion: """
            A minimal gtcp server: the gateway's framing decoder and, for every packet, the \
            fixed bytes of the gateway's hello reply. It prints "listening on HOST:PORT" once bound.
            """
    )

    @Option(help: "Address to listen on, host:port (port 0: any free port).")
    var listen = "127.0.0.1:0"

    @Option(help: "Bytes in each packet's length header, 1 to 4.")
    var headerSize = 2

    func validate() throws {
        guard HostPort(parsing: listen) != nil else {
            throw ValidationError("--listen must be host:port, got \"\(listen)\"")
        }
    }

    func run() async throws {
        let address = HostPort(parsing: listen)!
        let framing = try GtcpFramingArgument.framing(headerSize: headerSize)
        let server = try await FloorServer.start(host: address.host, port: address.port, framing: framing)
        // Written unbuffered: scripts read the port while the server runs.
        let bound = HostPort(host: address.host, port: server.localAddress.port ?? address.port)
        FileHandle.standardOutput.write(Data("listening on \(bound)\n".utf8))
        try await server.closed.get()
    }
}
