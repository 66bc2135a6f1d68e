import GatewayTestSupport
import GatewayUpstream
import GtcpClient
import GtcpWire
import Hummingbird
import NIOCore
import TestCertificates
import Testing

@testable import GatewayCore

/// Lifecycle events from a real gateway to a real HTTP receiver, over loopback sockets.
@Suite(.timeLimit(.minutes(3)))
struct LifecycleEventsTests {
    private static let greeting = Msg(act: "hello", data: "Nice to meet you!")

    /// A client that said hello as `name`, and its connection id from the `hello` event.
    private static func client(
        named name: String,
        on gateway: EventingGateway,
        log: EventLog
    ) async throws -> (GtcpClientConnection, ConnectionID) {
        let client = try await gateway.connect(hello: name)
        var replies = MessageReader(client)
        #expect(try await replies.next() == greeting)
        let hello = await log.waitFor { $0.event == "hello" && $0.clientName == name }
        return (client, hello[0].connectionId)
    }

    @Test func eachConnectionsEventsArriveInOrderAcrossAThousandConnections() async throws {
        let log = EventLog()
        // Answers in scrambled order, so that only the gateway's per-connection order keeps them in line.
        let router = log.router { _ in
            try? await Task.sleep(for: .microseconds(Int.random(in: 0...2_000)))
            return .noContent
        }
        try await EventingGateway.run(receiver: router) { gateway in
            try await withThrowingTaskGroup(of: Void.self) { workers in
                for worker in 0..<50 {
                    workers.addTask {
                        for index in 0..<20 {
                            let client = try await gateway.connect(hello: "client-\(worker * 20 + index)")
                            var replies = MessageReader(client)
                            #expect(try await replies.next() == Self.greeting)
                            await client.close()
                        }
                    }
                }
                try await workers.waitForAll()
            }

            let events = await log.waitFor(3_000)
            let byConnection = Dictionary(grouping: events, by: \.connectionId)
            #expect(byConnection.count == 1_000)
            for list in byConnection.values {
                #expect(list.map(\.event) == ["connected", "hello", "disconnected"])
                #expect(list.map(\.sequence) == list.map(\.sequence).sorted())
                #expect(list[0].clientName == nil)
                #expect(list[1].clientName?.hasPrefix("client-") == true)
                #expect(list[2].clientName == list[1].clientName)
                #expect(list[2].reason == "client_closed")
                #expect(Set(list.map(\.remoteAddress)).count == 1)
            }
            #expect(Set(events.map(\.sequence)).count == 3_000)
            #expect(Set(byConnection.values.compactMap { $0[1].clientName }).count == 1_000)
            for reason in ["queue_full", "failed", "shutdown"] {
                #expect(gateway.droppedEvents(reason) == 0)
            }
        }
    }

    @Test func aStalledReceiverNeverHoldsUpClientsAndWhatOverflowsIsCounted() async throws {
        let log = EventLog()
        let gate = Gate()
        let router = log.router { _ in
            await gate.pass()
            return .noContent
        }
        try await EventingGateway.run(receiver: router, timeout: .seconds(60), queueSize: 8) { gateway in
            try await withThrowingTaskGroup(of: Void.self) { clients in
                for index in 0..<40 {
                    clients.addTask {
                        let client = try await gateway.connect()
                        var replies = MessageReader(client)
                        // A new name each time, so each hello is an event too.
                        for round in 0..<25 {
                            try await client.send(Msg(act: "hello", data: "client-\(index)-\(round)"))
                            #expect(try await replies.next() == Self.greeting)
                        }
                        await client.close()
                    }
                }
                try await clients.waitForAll()
            }
            // A thousand round trips answered while the receiver answered nothing: it held
            // only what the queue holds, and the rest was dropped and counted.
            #expect(await gate.maxConcurrent <= 8)
            #expect(await log.events.count <= 8)
            #expect(gateway.droppedEvents("queue_full") >= 1_080 - 8 - 40)
            await gate.open()
        }
    }

    @Test func theConnectHookHoldsAClientsPacketsUntilTheBackendAdmitsIt() async throws {
        let log = EventLog()
        let gate = Gate()
        let router = log.router { event in
            if event.event == "connected" {
                await gate.pass()
            }
            return .ok
        }
        try await EventingGateway.run(receiver: router, connectHook: true) { gateway in
            let client = try await gateway.connect(hello: "patient")
            var replies = MessageReader(client)
            var arrivals = gate.arrivals.makeAsyncIterator()
            await arrivals.next()
            let waiting = try #require(
                await gateway.registry.page(after: nil, limit: 1, filter: ConnectionFilter()).connections.first)
            #expect(waiting.packetsIn == 0)

            await gate.open()
            #expect(try await replies.next() == Self.greeting)
            let hello = await log.waitFor { $0.event == "hello" }
            #expect(hello[0].clientName == "patient" && hello[0].connectionId == waiting.id)
            await client.close()
        }
    }

    @Test func aConnectHookRefusalClosesTheClientWithTheReason() async throws {
        let log = EventLog()
        // The refusal waits until the hello is sent, so the send never meets a closed connection.
        let helloSent = Gate()
        let router = log.router { event in
            guard event.event == "connected" else { return .noContent }
            await helloSent.pass()
            return .forbidden
        }
        try await EventingGateway.run(receiver: router, connectHook: true) { gateway in
            // The hello is never read: the refusal comes instead of the greeting.
            let client = try await gateway.connect(hello: "unwelcome")
            var messages = MessageReader(client)
            await helloSent.open()
            #expect(
                try await messages.next()
                    == Msg(act: "error", data: #"{"act":"","error":"connection refused by the backend: HTTP 403"}"#))
            // Then the connection ends (a reset, as the unread hello is discarded, ends it too).
            #expect((try? await messages.next()) == nil)

            let events = await log.waitFor(2)
            #expect(events.map(\.event) == ["connected", "disconnected"])
            #expect(events[1].reason == "refused")
            #expect(await !log.events.contains { $0.event == "hello" })
            #expect(
                gateway.counters.value("gtcp_connections_closed_total", [("reason", "admission_refused")]) == 1)
            await client.close()
        }
    }

    @Test func aFailedEventIsTriedAgainUnderItsOwnSequence() async throws {
        let log = EventLog()
        let failures = Countdown(2)
        let router = log.router { _ in await failures.next() ? .serviceUnavailable : .noContent }
        let retry = EventRetry(attempts: 3, backoff: RetryBackoff(first: .milliseconds(10), limit: .milliseconds(20)))
        try await EventingGateway.run(receiver: router, connectHook: true, retry: retry) { gateway in
            let client = try await gateway.connect(hello: "persistent")
            var replies = MessageReader(client)
            #expect(try await replies.next() == Self.greeting)
            let tries = await log.events.filter { $0.event == "connected" }
            #expect(tries.count == 3)
            #expect(Set(tries.map(\.sequence)).count == 1)
            #expect(gateway.droppedEvents("failed") == 0)
            await client.close()
        }
    }

    @Test func withADeadReceiverTheConnectHookRefusesOnceItsTriesAreSpent() async throws {
        let retry = EventRetry(attempts: 3, backoff: RetryBackoff(first: .milliseconds(10), limit: .milliseconds(20)))
        try await EventingGateway.run(receiver: nil, connectHook: true, retry: retry) { gateway in
            let client = try await gateway.connect()
            var messages = MessageReader(client)
            let refusal = try #require(try await messages.next())
            #expect(refusal.act == "error")
            #expect(refusal.data.hasPrefix(#"{"act":"","error":"connection refused by the backend: "#))
            // The refused connection's own `disconnected` event may have failed by now too.
            #expect(gateway.droppedEvents("failed") >= 1)
            await client.close()
        }
    }

    /// nginx over TLS with a certificate only the test's CA signed; `/echo` answers a POST with 200.
    private func withTLSReceiver(_ body: (_ url: String, TestNginx, TestCertificates) async throws -> Void) async throws {
        let certificates = try TestCertificates()
        try await TestNginx.run(
            listenOptions: "ssl", certificate: certificates.serverCertificatePath, key: certificates.serverKeyPath
        ) { nginx in try await body("https://127.0.0.1:\(nginx.port)/echo", nginx, certificates) }
    }

    @Test func anHTTPSReceiverIsTrustedThroughTheUpstreamCAFile() async throws {
        try await withTLSReceiver { url, nginx, certificates in
            let events = EventsConfiguration(url: url, connectHook: true, caFile: certificates.caPath)
            try await EventingGateway.run(events: events) { gateway in
                // Served at all only once nginx has answered the connected event.
                let client = try await gateway.connect(hello: "trusting")
                var replies = MessageReader(client)
                #expect(try await replies.next() == Self.greeting)
                await client.close()
            }
            #expect(try nginx.accessLog().first == "POST /echo HTTP/1.1")
        }
    }

    @Test func withoutTheCAFileAnHTTPSReceiversPrivateCertificateIsRefused() async throws {
        let retry = EventRetry(attempts: 2, backoff: RetryBackoff(first: .milliseconds(10), limit: .milliseconds(10)))
        try await withTLSReceiver { url, nginx, _ in
            try await EventingGateway.run(events: EventsConfiguration(url: url, connectHook: true), retry: retry) { gateway in
                let client = try await gateway.connect()
                var messages = MessageReader(client)
                let refusal = try #require(try await messages.next())
                #expect(
                    refusal.data == #"{"act":"","error":"connection refused by the backend: "#
                        + #"its certificate is not trusted by the system's CA bundle"}"#)
                #expect(gateway.droppedEvents("failed") >= 1)
                await client.close()
            }
            #expect(try nginx.accessLog().isEmpty)
        }
    }

    @Test func disconnectedEventsSayWhyTheConnectionEnded() async throws {
        let log = EventLog()
        let configuration = GatewayConfiguration(
            port: 0, framing: try GtcpFraming(headerSize: 2, maxDataSize: 1_000), shutdownGrace: .milliseconds(200))
        let (staying, stayingID) = try await EventingGateway.run(
            receiver: log.router(), configuration: configuration
        ) { gateway in
            let (leaving, leavingID) = try await Self.client(named: "leaving", on: gateway, log: log)
            await leaving.close()
            #expect(await log.disconnectReason(of: leavingID) == "client_closed")

            let (closed, closedID) = try await Self.client(named: "closed", on: gateway, log: log)
            #expect(await gateway.registry.close(closedID) == .sent)
            #expect(await log.disconnectReason(of: closedID) == "admin_close")

            let (told, toldID) = try await Self.client(named: "told", on: gateway, log: log)
            #expect(await gateway.registry.doexit(toldID, data: "bye", grace: .zero) == .sent)
            #expect(await log.disconnectReason(of: toldID) == "doexit")

            let (broken, brokenID) = try await Self.client(named: "broken", on: gateway, log: log)
            try await broken.sendRaw(ByteBuffer(bytes: [0xFF, 0xFF]))
            #expect(await log.disconnectReason(of: brokenID) == "error")

            // Long enough that a loaded machine's pause between connect and hello does not trip it.
            gateway.policy.current.idleTimeout = .seconds(1)
            let (idle, idleID) = try await Self.client(named: "idle", on: gateway, log: log)
            #expect(await log.disconnectReason(of: idleID) == "idle_timeout")
            gateway.policy.current.idleTimeout = .seconds(60)
            // Each client's connection object lives until the gateway has ended it.
            for client in [closed, told, broken, idle] {
                await client.close()
            }

            return try await Self.client(named: "staying", on: gateway, log: log)
        }
        // Sent by the drain, after the listener closed the connection.
        #expect(await log.disconnectReason(of: stayingID) == "shutdown")
        await staying.close()
    }
}

/// Says yes the first `count` times it is asked.
actor Countdown {
    private var remaining: Int

    init(_ count: Int) {
        remaining = count
    }

    func next() -> Bool {
        remaining -= 1
        return remaining >= 0
    }
}
