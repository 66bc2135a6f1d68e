import Foundation
import GatewayTestSupport
import GtcpWire
import NIOPosix
import Testing

@testable import GatewayCore

/// Many short connections, some polite and most not, leave the gateway as they found it.
@Suite(.timeLimit(.minutes(5)))
struct ConnectionChurnTests {
    /// About 20 s on two cores; the sanitizer runs, many times slower, set fewer.
    private static let connections = ProcessInfo.processInfo.environment["GTCP_CHURN_CONNECTIONS"].flatMap { Int($0) } ?? 100_000

    @Test func connectsAndDisconnectsLeakNeitherDescriptorsNorMemory() async throws {
        try await TestGateway.run { gateway in
            try await Self.churn(port: gateway.port, count: 1000)
            await Self.waitUntilClosed(gateway)
            let before = try ProcessFigures.now()

            let started = ContinuousClock.now
            try await Self.churn(port: gateway.port, count: Self.connections)
            await Self.waitUntilClosed(gateway)
            let after = try ProcessFigures.now()
            print("churn: \(Self.connections) connections in \(ContinuousClock.now - started); before \(before), after \(after)")

            #expect(gateway.registry.openCount == 0)
            // Other suites run alongside and hold descriptors of their own: allow for them,
            // while a leak of one per connection would show by thousands.
            #expect(after.openDescriptors - before.openDescriptors < 200)
            #expect(after.residentBytes - before.residentBytes < 128 << 20)
        }
    }

    /// Every accepted connection is set up by a task on its own loop; once each loop has run
    /// the tasks queued so far, every connection is counted, and the count can go to zero.
    private static func waitUntilClosed(_ gateway: TestGateway) async {
        for eventLoop in MultiThreadedEventLoopGroup.singleton.makeIterator() {
            try? await eventLoop.submit {}.get()
        }
        await gateway.registry.waitUntilEmpty()
    }

    /// Opens and drops `count` connections on a thread of its own (the calls block): most are
    /// reset, some close politely, some say hello first or leave half a packet behind. Returns
    /// once the gateway has accepted every one of them.
    private static func churn(port: Int, count: Int) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread.detachNewThread {
                do {
                    for index in 0..<count {
                        let client = try RawSocket(port: port)
                        if index % 10 == 0 {
                            try client.send(Msg(act: "hello"))
                            _ = try client.receive(exactly: 44)
                        } else if index % 10 == 5 {
                            try client.send([0x00, 0x10, 0x7B])
                        }
                        // Polite closes leave TIME_WAIT behind on the client's port; keep them few.
                        if index % 20 == 0 {
                            client.close()
                        } else {
                            client.reset()
                        }
                    }
                    // Accepts happen in order: once this one is answered, every earlier one was.
                    let last = try RawSocket(port: port)
                    try last.send(Msg(act: "hello"))
                    _ = try last.receive(exactly: 44)
                    last.close()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
