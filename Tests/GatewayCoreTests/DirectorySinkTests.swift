import GatewayTestSupport
@testable import GatewayCore
import GtcpWire
import NIOConcurrencyHelpers
import Testing

/// Connections tell the directory sink when they arrive, name themselves and leave; nothing else.
@Suite(.timeLimit(.minutes(1)))
struct DirectorySinkTests {
    final class RecordingSink: ConnectionDirectorySink {
        enum Change: Equatable {
            case upsert(ConnectionID, clientName: String?)
            case remove(ConnectionID)
        }

        let changes = NIOLockedValueBox<[Change]>([])

        func upsert(_ entry: DirectoryEntry) {
            changes.withLockedValue { $0.append(.upsert(entry.id, clientName: entry.clientName)) }
        }

        func remove(_ id: ConnectionID) {
            changes.withLockedValue { $0.append(.remove(id)) }
        }
    }

    @Test func arrivalNewNameAndDepartureReachTheSinkAndHeartbeatsDoNot() async throws {
        let sink = RecordingSink()
        try await TestGateway.run(directory: sink) { gateway in
            let client = try await gateway.connect()
            var reader = MessageReader(client)
            try await client.send(Msg(act: "hello", data: "sensor-7"))
            _ = try await reader.next()
            try await client.send(Msg(act: "heartbeat"))
            try await client.send(Msg(act: "hello", data: "sensor-7"))
            _ = try await reader.next()
            let id = try #require(await gateway.registry.page(after: nil, limit: 1, filter: ConnectionFilter()).connections.first?.id)
            await client.close()
            await gateway.registry.waitUntilEmpty()
            #expect(sink.changes.withLockedValue { $0 } == [
                .upsert(id, clientName: nil), .upsert(id, clientName: "sensor-7"), .remove(id),
            ])
        }
    }
}
