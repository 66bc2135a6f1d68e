import GtcpWire

/// The GoFrame gtcp example client: heartbeats every interval, `hello` with a name after a
/// delay, and a timestamped line for each message from the server, until it says `doexit`.
public struct ExampleClient: Sendable {
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

    /// The process exit status: 0 after `doexit`, 1 when the connection fails or the server closes it.
    public func run(output: ClientOutput = .standard) async -> Int32 {
        let connection: GtcpClientConnection
        do {
            connection = try await self.endpoint.connect()
        } catch {
            output.error("\(error)")
            return 1
        }
        let status = await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.sendHeartbeats(on: connection) }
            group.addTask { await self.sendHello(on: connection) }
            let status = await self.printMessages(from: connection, to: output)
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
            deadline += self.heartbeatInterval
            do {
                try await clock.sleep(until: deadline)
                try await connection.send(Msg(act: "heartbeat"))
            } catch {
                return
            }
        }
    }

    private func sendHello(on connection: GtcpClientConnection) async {
        try? await Task.sleep(for: self.helloAfter)
        guard !Task.isCancelled else {
            return
        }
        try? await connection.send(Msg(act: "hello", data: self.name))
    }

    private func printMessages(from connection: GtcpClientConnection, to output: ClientOutput) async -> Int32 {
        let address = connection.remoteAddressDescription
        func log(_ line: String) {
            output.line(LogTimestamp.string() + " " + line)
        }
        do {
            for try await msg in connection.messages {
                switch msg.act {
                case "hello":
                    log("hello response message from [\(address)]: \(msg.data)")
                case "doexit":
                    log("exit command from [\(address)]")
                    return 0
                case "heartbeat":
                    log("heartbeat from [\(address)]")
                default:
                    log("message from [\(address)]: act=\(msg.act) data=\(msg.data)")
                }
            }
            log("server closed")
        } catch {
            output.error("connection to \(address) failed: \(error)")
        }
        return 1
    }
}
