import GtcpWire
import SettingsText

/// Sends one message and prints the first reply as `<Act> <Data>`: to standard output, or to
/// standard error when the reply's act is `error`.
public struct OneShotClient: Sendable {
    public var endpoint: GtcpEndpoint
    public var request: Msg
    /// For the whole exchange: connecting, sending and the reply.
    public var timeout: Duration

    public init(endpoint: GtcpEndpoint = GtcpEndpoint(), request: Msg, timeout: Duration = .seconds(5)) {
        self.endpoint = endpoint
        self.request = request
        self.timeout = timeout
    }

    /// The process exit status: 0 for a reply, 1 for an `error` reply or any failure.
    public func run(output: ClientOutput = .standard) async -> Int32 {
        let server = self.endpoint.server
        let outcome: Outcome
        do {
            outcome = try await self.exchangeWithinTimeout()
        } catch let error as GtcpClientError {
            output.error("\(error)")
            return 1
        } catch {
            output.error("connection to \(server) failed: \(error)")
            return 1
        }
        switch outcome {
        case .reply(let reply) where reply.act == "error":
            output.error("\(reply.act) \(reply.data)")
            return 1
        case .reply(let reply):
            output.line("\(reply.act) \(reply.data)")
            return 0
        case .closed:
            output.error("\(server) closed the connection before replying")
            return 1
        case .timedOut:
            output.error("no reply from \(server) within \(DurationText.describe(self.timeout))")
            return 1
        }
    }

    private enum Outcome: Sendable {
        case reply(Msg)
        case closed
        case timedOut
    }

    private func exchangeWithinTimeout() async throws -> Outcome {
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            group.addTask { try await self.exchange() }
            group.addTask {
                try await Task.sleep(for: self.timeout)
                return .timedOut
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    private func exchange() async throws -> Outcome {
        let connection = try await self.endpoint.connect(timeout: .init(self.timeout))
        do {
            try await connection.send(self.request)
            var replies = connection.messages.makeAsyncIterator()
            let reply = try await replies.next()
            await connection.close()
            return reply.map(Outcome.reply) ?? .closed
        } catch {
            await connection.close()
            throw error
        }
    }
}
