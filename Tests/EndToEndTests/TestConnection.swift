import GtcpClient
import GtcpWire

/// One gtcp connection to the gateway under test, read in order by one task.
final class TestConnection {
    let connection: GtcpClientConnection
    private var incoming: AsyncThrowingStream<Msg, any Error>.AsyncIterator

    init(host: String = "127.0.0.1", port: Int) async throws {
        connection = try await GtcpClientConnection.connect(host: host, port: port)
        incoming = connection.messages.makeAsyncIterator()
    }

    func send(_ msg: Msg) async throws {
        try await connection.send(msg)
    }

    /// The next message from the gateway; nil once it has closed the connection.
    func next() async throws -> Msg? {
        try await incoming.next()
    }

    /// Sends `hello` and returns the Data of the reply: the gateway's greeting.
    func hello(name: String = "tester") async throws -> String? {
        try await send(Msg(act: "hello", data: name))
        return try await next()?.data
    }

    func close() async {
        await connection.close()
    }
}
