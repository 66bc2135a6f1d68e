import GatewayTestSupport
import GtcpClient
import GtcpWire
import SettingsText
import Testing

@Suite struct ExampleClientTests {
    private static func client(port: Int) -> ExampleClient {
        ExampleClient(
            endpoint: GtcpEndpoint(server: HostPort(host: "127.0.0.1", port: port)),
            heartbeatInterval: .milliseconds(50),
            helloAfter: .milliseconds(120)
        )
    }

    @Test func printsWhatTheServerSaysAndExitsZeroOnDoexit() async throws {
        let seen = Recorder<Msg>()
        let printed = RecordedOutput()
        let (port, status) = try await ReversePeer.run { peer in
            // Reply once both a heartbeat and the hello have come, whichever comes first.
            while Set(seen.all.map(\.act)) != ["heartbeat", "hello"], let msg = try await peer.nextMsg() {
                seen.append(msg)
            }
            try await peer.send(Msg(act: "hello", data: "Nice to meet you!"))
            try await peer.send(Msg(act: "heartbeat"))
            try await peer.send(Msg(act: "news", data: "<b>x</b>"))
            try await peer.send(Msg(act: "doexit"))
            while try await peer.nextPacket() != nil {}
        } body: { port in
            (port, await Self.client(port: port).run(output: printed.output))
        }
        #expect(status == 0)
        #expect(
            printed.untimestampedLines == [
                "hello response message from [127.0.0.1:\(port)]: Nice to meet you!",
                "heartbeat from [127.0.0.1:\(port)]",
                "message from [127.0.0.1:\(port)]: act=news data=<b>x</b>",
                "exit command from [127.0.0.1:\(port)]",
            ]
        )
        #expect(printed.errors.all == [])
        #expect(seen.all.filter { $0.act == "hello" } == [Msg(act: "hello", data: "My name's John!")])
        #expect(seen.all.filter { $0.act == "heartbeat" }.allSatisfy { $0 == Msg(act: "heartbeat") })
    }

    @Test func serverClosingPrintsServerClosedAndExitsOne() async throws {
        let printed = RecordedOutput()
        let status = try await ReversePeer.run { peer in
            _ = try await peer.nextMsg()
        } body: { port in
            await Self.client(port: port).run(output: printed.output)
        }
        #expect(status == 1)
        #expect(printed.untimestampedLines == ["server closed"])
        #expect(printed.errors.all == [])
    }

    @Test func badPacketFromTheServerIsAnErrorAndExitsOne() async throws {
        let printed = RecordedOutput()
        let (port, status) = try await ReversePeer.run { peer in
            try await peer.sendRaw([0, 1] + Array("x".utf8))
            while try await peer.nextPacket() != nil {}
        } body: { port in
            (port, await Self.client(port: port).run(output: printed.output))
        }
        #expect(status == 1)
        #expect(printed.lines.all == [])
        #expect(
            printed.errors.all == [
                "connection to 127.0.0.1:\(port) failed: invalid character 'x' at byte 0, expected a value"
            ]
        )
    }

    @Test func refusedConnectionNamesTheAddressAndExitsOne() async throws {
        try await withRefusingPort { port in
            let printed = RecordedOutput()
            let status = await Self.client(port: port).run(output: printed.output)
            #expect(status == 1)
            #expect(printed.lines.all == [])
            #expect(printed.errors.all == ["cannot connect to 127.0.0.1:\(port): connection refused"])
        }
    }
}
