import GatewayTestSupport
import GtcpClient
import GtcpWire
import SettingsText
import Testing

@Suite struct OneShotClientTests {
    private static func run(port: Int, request: Msg, timeout: Duration = .seconds(30), output: RecordedOutput) async -> Int32 {
        let client = OneShotClient(
            endpoint: GtcpEndpoint(server: HostPort(host: "127.0.0.1", port: port)),
            request: request,
            timeout: timeout
        )
        return await client.run(output: output.output)
    }

    /// Runs the client for `request` against a peer that serves each connection with `serve`.
    private static func run(
        _ request: Msg, timeout: Duration = .seconds(30), serve: @escaping @Sendable (PeerConnection) async throws -> Void
    ) async throws -> (port: Int, status: Int32, printed: RecordedOutput) {
        let printed = RecordedOutput()
        let (port, status) = try await ReversePeer.run(serve: serve) { port in
            (port, await run(port: port, request: request, timeout: timeout, output: printed))
        }
        return (port, status, printed)
    }

    @Test func printsTheReplysActAndDataAndExitsZero() async throws {
        let seen = Recorder<Msg>()
        let (_, status, printed) = try await Self.run(Msg(act: "echo", data: "hi")) { peer in
            guard let msg = try await peer.nextMsg() else { return }
            seen.append(msg)
            try await peer.send(Msg(act: msg.act, data: "got \(msg.data)"))
            while try await peer.nextPacket() != nil {}
        }
        #expect(status == 0)
        #expect(printed.lines.all == ["echo got hi"])
        #expect(printed.errors.all == [])
        #expect(seen.all == [Msg(act: "echo", data: "hi")])
    }

    @Test func errorReplyGoesToStandardErrorAndExitsOne() async throws {
        let (_, status, printed) = try await Self.run(Msg(act: "nope")) { peer in
            _ = try await peer.nextMsg()
            try await peer.send(Msg(act: "error", data: "unknown act \"nope\""))
            while try await peer.nextPacket() != nil {}
        }
        #expect(status == 1)
        #expect(printed.lines.all == [])
        #expect(printed.errors.all == ["error unknown act \"nope\""])
    }

    @Test func noReplyWithinTheTimeoutExitsOne() async throws {
        // Long enough that connecting on a loaded machine fits inside it.
        let (port, status, printed) = try await Self.run(Msg(act: "echo"), timeout: .seconds(1)) { peer in
            while try await peer.nextPacket() != nil {}
        }
        #expect(status == 1)
        #expect(printed.lines.all == [])
        #expect(printed.errors.all == ["no reply from 127.0.0.1:\(port) within 1s"])
    }

    @Test func serverClosingBeforeReplyingExitsOne() async throws {
        let (port, status, printed) = try await Self.run(Msg(act: "echo")) { peer in
            _ = try await peer.nextMsg()
        }
        #expect(status == 1)
        #expect(printed.errors.all == ["127.0.0.1:\(port) closed the connection before replying"])
    }

    @Test func refusedConnectionNamesTheAddressAndExitsOne() async throws {
        try await withRefusingPort { port in
            let printed = RecordedOutput()
            let status = await Self.run(port: port, request: Msg(act: "echo"), output: printed)
            #expect(status == 1)
            #expect(printed.lines.all == [])
            #expect(printed.errors.all == ["cannot connect to 127.0.0.1:\(port): connection refused"])
        }
    }
}
