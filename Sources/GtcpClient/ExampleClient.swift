import GtcpWire

/// The GoFrame gtcp example client: heartbeats every interval, `hello` with a name after a
/// delay, and a timestamped line for each message from the server, until it says `doexit`.
public struct ExampleClient: Sendable {
    public struct Configuration: Sendable {
        public var endpoint: GtcpEndpoint
        public var heartbeatInterval: Duration
        public var helloAfter: Duration
        public var name: String

        public init(
            endpoint: GtcpEndpoint = GtcpEndpoint(),
            heartbeatInterval: Duration = .seconds(1),
            helloAfter: Duration = .seconds(3),
            name: String = "My name's John!"
        ) {
            self.endpoint = endpoint
            self.heartbeatInterval = heartbeatInterval
            self.helloAfter = helloAfter
            self.name = name
        }
    }

    private let configuration: Configuration
    private let output: ClientOutput

    public init(configuration: Configuration, output: ClientOutput = .standard) {
        self.configuration = configuration
        self.output = output
    }

    /// The process exit status: 0 after `doexit`, 1 when the connection fails or the server closes it.
    public func run() async -> Int32 {
        let connection: GtcpClientConnection
        do {
            connection = try await self.configuration.endpoint.connect()
        } catch {
            self.output.error("\(error)")
            return 1
        }
        let status = await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.sendHeartbeats(on: connection) }
            group.addTask { await self.sendHello(on: connection) }
            let status = await self.printMessages(from: connection)
            group.cancelAll()
            return status
        }
        await connection.close()
        return status
    }

    /// A failed send means the connection is going away; the receiving side reports how.
    private func sendHeartbeats(on connection: GtcpClientConnection) async {
        let clock = ContinuousClock()
        var deadline = clock.now
        while true {
            // A fixed rate, as gtimer.SetInterval keeps, however long a send takes.
            deadline += self.configuration.heartbeatInterval
            do {
                try await clock.sleep(until: deadline)
                try await connection.send(Msg(act: "heartbeat"))
            } catch {
                return
            }
        }
    }

    private func sendHello(on connection: GtcpClientConnection) async {
        try? await Task.sleep(for: self.configuration.helloAfter)
        guard !Task.isCancelled else {
            return
        }
        try? await connection.send(Msg(act: "hello", data: self.configuration.name))
    }

    private func printMessages(from connection: GtcpClientConnection) async -> Int32 {
        let address = connection.remoteAddressDescription
        do {
            for try await msg in connection.messages {
                switch msg.act {
                case "hello":
                    self.log("hello response message from [\(address)]: \(msg.data)")
                case "doexit":
                    self.log("exit command from [\(address)]")
                    return 0
                case "heartbeat":
                    self.log("heartbeat from [\(address)]")
                default:
                    self.log("message from [\(address)]: act=\(msg.act) data=\(msg.data)")
                }
            }
            self.log("server closed")
        } catch {
            self.output.error("connection to \(address) failed: \(error)")
        }
        return 1
    }

    private func log(_ line: String) {
        self.output.line(LogTimestamp.string() + " " + line)
    }
}
