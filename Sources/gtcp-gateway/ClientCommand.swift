import ArgumentParser
import GtcpClient
import GtcpWire
import SettingsText

struct ClientCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "A gtcp client: the GoFrame example client, or one message with --act.",
        discussion: """
            Without --act it is the GoFrame example client: it sends a heartbeat every \
            --heartbeat-interval and a hello carrying --name after --hello-after, and prints each \
            message from the server after a timestamp. It exits 0 when the server sends doexit and 1 \
            when the server closes the connection.

            With --act it sends that one message and prints the first reply on one line as \
            "<Act> <Data>". It exits 0 for a reply, or 1 with a message on standard error when the \
            reply's act is "error", the connection is refused, or no reply comes within --timeout.

            With --tls it connects over TLS, trusting the system's CAs or --tls-ca, presenting \
            --tls-cert and --tls-key when the server asks for a client certificate, and checking the \
            server's certificate against --tls-server-name or else the host of --connect.

            Durations are written 500ms, 2s, 1m, 1h or as a plain number of seconds.
            """
    )

    @Option(help: "The server, as host:port ([host]:port for IPv6).")
    var connect = AddressArgument(HostPort(host: "127.0.0.1", port: 8999))

    @Option(help: "Bytes in each packet's length header, 1 to 4.")
    var headerSize = 2

    @Option(help: "Time between heartbeats (default: 1s).")
    var heartbeatInterval: DurationArgument?

    @Option(help: "Delay before the hello message (default: 3s).")
    var helloAfter: DurationArgument?

    @Option(help: "The name sent in the hello message (default: My name's John!).")
    var name: String?

    @Option(help: "Send one message with this act, print the first reply and exit.")
    var act: String?

    @Option(help: "The one message's data (default: empty).")
    var data: String?

    @Option(help: "How long to wait for the reply to --act, connecting included (default: 5s).")
    var timeout: DurationArgument?

    @OptionGroup
    var tlsOptions: ClientTLSOptions

    func validate() throws {
        // Port 0 is a listener's "any free port"; there is no server to connect to there.
        guard self.connect.address.port != 0 else {
            throw ValidationError("--connect needs a port from 1 to 65535, got \(self.connect.address)")
        }
        _ = try self.framing()
        if self.act == nil, self.data != nil || self.timeout != nil {
            throw ValidationError("--data and --timeout go with --act")
        }
        if self.act != nil, self.heartbeatInterval != nil || self.helloAfter != nil || self.name != nil {
            throw ValidationError("--heartbeat-interval, --hello-after and --name do not go with --act")
        }
    }

    func run() async throws {
        let status: Int32
        let endpoint = GtcpEndpoint(server: self.connect.address, framing: try self.framing(), tls: try self.tlsOptions.clientTLS())
        if let act = self.act {
            var client = OneShotClient(endpoint: endpoint, request: Msg(act: act, data: self.data ?? ""))
            client.timeout = self.timeout?.duration ?? client.timeout
            status = await client.run()
        } else {
            var client = ExampleClient(endpoint: endpoint)
            client.heartbeatInterval = self.heartbeatInterval?.duration ?? client.heartbeatInterval
            client.helloAfter = self.helloAfter?.duration ?? client.helloAfter
            client.name = self.name ?? client.name
            status = await client.run()
        }
        if status != 0 {
            throw ExitCode(status)
        }
    }

    private func framing() throws -> GtcpFraming {
        do {
            return try GtcpFraming(headerSize: self.headerSize)
        } catch {
            throw ValidationError(error.description)
        }
    }
}

struct AddressArgument: ExpressibleByArgument {
    let address: HostPort

    init(_ address: HostPort) {
        self.address = address
    }

    init?(argument: String) {
        guard let address = HostPort(parsing: argument) else {
            return nil
        }
        self.address = address
    }

    var defaultValueDescription: String { self.address.description }
}

struct DurationArgument: ExpressibleByArgument {
    let duration: Duration

    init?(argument: String) {
        guard let duration = DurationText.parse(argument) else {
            return nil
        }
        self.duration = duration
    }
}
