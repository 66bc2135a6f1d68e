import ArgumentParser
import Foundation
import GatewayBench
import GatewayService
import GtcpWire
import SettingsText

struct BenchRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Load a gtcp server over loopback and report throughput, latency and errors.",
        discussion: """
            Opens --connections connections, each keeping up to --outstanding messages with \
            --act outstanding, until --count messages were sent or --duration is over, and \
            reports messages/s, round-trip percentiles and errors. With --rate the messages go \
            out at that fixed rate across all connections instead of as fast as replies return.

            With --idle N it opens N connections that only send a heartbeat every \
            --heartbeat-interval, holds them for --duration (default 60s), and with \
            --server-pid reports the server's memory growth per connection and CPU use.

            With --tls the connections are TLS, with the TLS flags of `client`; each \
            connection's handshake is done before the load starts.

            The bench raises its own open-file soft limit to the hard limit. Targets off \
            loopback are refused unless --allow-remote.
            """
    )

    @Option(help: "The server, as host:port ([host]:port for IPv6).")
    var connect = "127.0.0.1:8999"

    @Option(help: "Connections to open (N).")
    var connections = 16

    @Option(help: "Messages each connection keeps outstanding (K).")
    var outstanding = 8

    @Option(help: "Messages to send in all, at most.")
    var count = 10_000_000

    @Option(help: "How long to send (default: 10s; with --idle, how long to hold: 60s).")
    var duration: DurationArgument?

    @Option(help: "The act of each message: hello is answered by the gateway, others are forwarded.")
    var act = "hello"

    @Option(help: "The Data of each message.")
    var data = "bench"

    @Option(help: "Send at this many messages per second across all connections.")
    var rate: Double?

    @Option(help: "Open this many heartbeat-only connections instead of sending messages.")
    var idle: Int?

    @Option(help: "Time between heartbeats of idle connections (default: 5s).")
    var heartbeatInterval: DurationArgument?

    @Option(help: "The server's process id: idle runs report its memory and CPU use, load runs its CPU time per reply.")
    var serverPid: Int32?

    @Option(help: "Page through GET /connections on this admin API (host:port) while the load runs.")
    var pageAdmin: String?

    @Option(help: "Start a sweep through all pages of --page-admin this often (default: back to back).")
    var pageEvery: DurationArgument?

    @Option(help: "Bearer token for --page-admin (default: $GTCP_GATEWAY_ADMIN_TOKEN).")
    var adminToken: String?

    @Option(help: "Bind client sockets to 127.0.0.1 ... 127.0.0.k in turn (IPv4 loopback targets).")
    var sourceAddresses = 4

    @Option(help: "Bytes in each packet's length header, 1 to 4.")
    var headerSize = 2

    @OptionGroup
    var tlsOptions: ClientTLSOptions

    @Option(help: "A name for the run, carried into the report.")
    var label: String?

    @Flag(help: "Allow a target that is not a loopback address.")
    var allowRemote = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        guard HostPort(parsing: connect) != nil else {
            throw ValidationError("--connect must be host:port, got \"\(connect)\"")
        }
        guard pageAdmin.map({ HostPort(parsing: $0) != nil }) ?? true else {
            throw ValidationError("--page-admin must be host:port, got \"\(pageAdmin ?? "")\"")
        }
        guard connections > 0, outstanding > 0, count > 0, sourceAddresses > 0 else {
            throw ValidationError("--connections, --outstanding, --count and --source-addresses must be positive")
        }
        guard rate.map({ $0 > 0 }) ?? true, idle.map({ $0 > 0 }) ?? true else {
            throw ValidationError("--rate and --idle must be positive")
        }
        guard pageEvery == nil || pageAdmin != nil else {
            throw ValidationError("--page-every goes with --page-admin")
        }
        if idle != nil, rate != nil || pageAdmin != nil {
            throw ValidationError("--rate and --page-admin do not go with --idle")
        }
        _ = try framing()
    }

    func run() async throws {
        let target = HostPort(parsing: connect)!
        if !allowRemote, let refusal = LoopbackGuard.refusal(for: target) {
            printToStandardError("gtcp-gateway bench: \(refusal)")
            throw ExitCode(2)
        }
        let fileLimit = FileDescriptorLimit.raiseToHardLimit()
        let command = CommandLine.arguments.joined(separator: " ")
        let output: String
        if let idle {
            var configuration = IdleConfiguration(target: target, framing: try framing(), connections: idle)
            configuration.heartbeatInterval = heartbeatInterval?.duration ?? configuration.heartbeatInterval
            configuration.hold = duration?.duration ?? .seconds(60)
            configuration.serverPID = serverPid
            configuration.sourceAddresses = sourceAddresses
            configuration.fileDescriptorLimit = fileLimit
            configuration.tls = try tlsOptions.clientTLS()
            var report = try await IdleRunner(configuration: configuration, progress: ProgressLine()).run()
            report.label = label
            report.command = command
            output = json ? try BenchJSON.encode(report) : report.table
        } else {
            var configuration = LoadConfiguration(target: target, framing: try framing())
            configuration.connections = connections
            configuration.outstanding = outstanding
            configuration.count = count
            configuration.duration = duration?.duration ?? .seconds(10)
            configuration.act = act
            configuration.data = data
            configuration.rate = rate
            configuration.sourceAddresses = sourceAddresses
            configuration.serverPID = serverPid
            configuration.tls = try tlsOptions.clientTLS()
            configuration.adminPaging = pageAdmin.flatMap(HostPort.init(parsing:)).map {
                var paging = AdminPagingConfiguration(host: $0.host, port: $0.port)
                paging.token = adminToken ?? ProcessInfo.processInfo.environment["GTCP_GATEWAY_ADMIN_TOKEN"]
                paging.sweepInterval = pageEvery?.duration
                return paging
            }
            var report = try await LoadRunner(configuration: configuration, progress: ProgressLine()).run()
            report.label = label
            report.command = command
            output = json ? try BenchJSON.encode(report) : report.table
        }
        FileHandle.standardOutput.write(Data((output + "\n").utf8))
    }

    private func framing() throws -> GtcpFraming {
        try GtcpFramingArgument.framing(headerSize: headerSize)
    }
}

