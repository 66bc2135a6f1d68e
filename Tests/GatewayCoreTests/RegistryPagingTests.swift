import GatewayCore
import GatewayTestSupport
import GtcpClient
import GtcpWire
import Testing

@Suite(.timeLimit(.minutes(1)))
struct RegistryPagingTests {
    /// Opens a client that has said hello as `name`, so the registry holds it under that name.
    private func open(_ gateway: TestGateway, name: String) async throws -> GtcpClientConnection {
        let client = try await gateway.connect()
        var replies = MessageReader(client)
        try await client.send(Msg(act: "hello", data: name))
        #expect(try await replies.next()?.act == "hello")
        return client
    }

    @Test func aSweepListsEveryConnectionOnceWhileOthersComeAndGo() async throws {
        try await TestGateway.run { gateway in
            var clients: [String: GtcpClientConnection] = [:]
            for index in 0..<40 {
                clients["c\(index)"] = try await open(gateway, name: "c\(index)")
            }
            let everyone = await gateway.registry.page(after: nil, limit: 1000, filter: ConnectionFilter())
            #expect(everyone.total == 40)
            let idOf = Dictionary(uniqueKeysWithValues: everyone.connections.map { ($0.clientName ?? "", $0.id) })
            var departed: Set<String> = []
            var listed: [ConnectionID] = []
            var cursor: ConnectionID?
            var pages = 0
            repeat {
                let page = await gateway.registry.page(after: cursor, limit: 3, filter: ConnectionFilter())
                #expect(page.connections.count <= 3)
                listed += page.connections.map(\.id)
                cursor = page.next
                pages += 1
                // One not listed yet and one listed already leave; a newcomer arrives.
                let waiting = idOf.filter { !departed.contains($0.key) && $0.value > (cursor ?? .max) }
                let done = idOf.filter { !departed.contains($0.key) && listed.contains($0.value) }
                for name in [waiting.keys.min(), done.keys.min()].compactMap({ $0 }) {
                    departed.insert(name)
                    _ = await gateway.registry.close(idOf[name]!)
                }
                clients["new\(pages)"] = try await open(gateway, name: "new\(pages)")
            } while cursor != nil && pages < 100
            #expect(cursor == nil)
            #expect(listed == listed.sorted() && Set(listed).count == listed.count)
            let stayed = idOf.filter { !departed.contains($0.key) }.values
            #expect(!stayed.isEmpty)
            #expect(stayed.allSatisfy(listed.contains))
            for client in clients.values {
                await client.close()
            }
        }
    }

    @Test func aFilteredSweepCountsAndListsOnlyTheMatches() async throws {
        try await TestGateway.run { gateway in
            var clients: [GtcpClientConnection] = []
            for index in 0..<20 {
                clients.append(try await open(gateway, name: index % 2 == 0 ? "pump" : "valve"))
            }
            var names: [String?] = []
            var cursor: ConnectionID?
            var pages = 0
            repeat {
                let page = await gateway.registry.page(after: cursor, limit: 3, filter: ConnectionFilter(clientName: "pump"))
                #expect(page.total == 10)
                names += page.connections.map(\.clientName)
                cursor = page.next
                pages += 1
            } while cursor != nil && pages < 20
            #expect(pages == 4)
            #expect(names == Array(repeating: "pump", count: 10))
            for client in clients {
                await client.close()
            }
        }
    }
}
