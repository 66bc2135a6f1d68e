import Foundation
@testable import GatewayCore
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct ConnectionRoutesTests {
    @Test func listShowsEveryFieldWithNullsAndMillisecondTimestamps() async throws {
        let connections = FakeConnections(snapshots: [
            .fake(id: 1, clientName: "sensor-7", clientCertificateSubject: "CN=sensor-7,O=Fleet"), .fake(id: 2),
        ])
        try await withAdminRouter(connections: connections) { client in
            let response = try await client.execute(uri: "/connections", method: .get)
            let body = try response.okJSONObject()
            #expect(body["total"] as? Int == 2)
            #expect(body["next"] is NSNull)
            let list = try #require(body["connections"] as? [[String: Any]])
            #expect(list.count == 2)
            #expect(Set(list[0].keys) == [
                "id", "remoteAddress", "clientName", "clientCertificateSubject", "connectedAt", "lastActiveAt",
                "packetsIn", "packetsOut", "bytesIn", "bytesOut", "inFlight", "closing", "node",
            ])
            #expect(list[0]["clientCertificateSubject"] as? String == "CN=sensor-7,O=Fleet")
            #expect(list[1]["clientCertificateSubject"] is NSNull)
            #expect(list[0]["id"] as? Int == 1)
            #expect(list[0]["clientName"] as? String == "sensor-7")
            #expect(list[1]["clientName"] is NSNull)
            #expect(list[0]["connectedAt"] as? String == "2025-01-31T09:15:02.125Z")
            #expect(list[0]["lastActiveAt"] as? String == "2025-01-31T09:16:40.250Z")
            #expect(list[0]["remoteAddress"] as? String == "127.0.0.1:40001")
            #expect(list[0]["closing"] as? Bool == false)
        }
        #expect(connections.calls == [.page(cursor: nil, limit: 100, filter: ConnectionFilter())])
    }

    @Test func listPassesCursorLimitAndFilters() async throws {
        let connections = FakeConnections(snapshots: (1...5).map { .fake(id: $0) })
        try await withAdminRouter(connections: connections) { client in
            let response = try await client.execute(
                uri: "/connections?limit=2&cursor=1&clientName=sensor%207&remoteAddress=127.0.0.1%3A9",
                method: .get
            )
            #expect(response.status == .ok)
            #expect(try response.jsonObject()["next"] as? String == "3")
        }
        let filter = ConnectionFilter(clientName: "sensor 7", remoteAddress: "127.0.0.1:9")
        #expect(connections.calls == [.page(cursor: 1, limit: 2, filter: filter)])
    }

    @Test(arguments: [
        ("limit=0", #"query parameter "limit" must be an integer in 1...1000, got "0""#),
        ("limit=1001", #"query parameter "limit" must be an integer in 1...1000, got "1001""#),
        ("limit=ten", #"query parameter "limit" must be an integer in 1...1000, got "ten""#),
        ("limit=-1", #"query parameter "limit" must be an integer in 1...1000, got "-1""#),
        ("cursor=x7", #"query parameter "cursor" must be a connection id, an unsigned 64-bit integer, got "x7""#),
        ("cursor=18446744073709551616", #"query parameter "cursor" must be a connection id, an unsigned 64-bit integer, got "18446744073709551616""#),
        ("clientname=a", #"unknown query parameter "clientname""#),
        ("limit=1&limit=2", #"query parameter "limit" is given more than once"#),
        ("clientName=", #"query parameter "clientName" must not be empty"#),
        ("remoteAddress=" + String(repeating: "1", count: 65), #"query parameter "remoteAddress" is longer than 64 characters"#),
        ("clientName=" + String(repeating: "%C3%A9", count: 257), #"query parameter "clientName" is longer than 256 characters"#),
    ])
    func badListQueryIsRefused(query: String, detail: String) async throws {
        let connections = FakeConnections()
        let response = try await adminResponse(.get, "/connections?\(query)", connections: connections)
        #expect(response.status == .badRequest)
        #expect(try response.problem().detail == detail)
        #expect(connections.calls.isEmpty)
    }

    @Test(arguments: ["abc", "-1", "1.5", "+7", "18446744073709551616", "0x10"])
    func nonNumericIdIsABadRequest(id: String) async throws {
        try await withAdminRouter { client in
            for (path, method) in [("", HTTPRequest.Method.get), ("", .delete), ("/doexit", .post), ("/messages", .post)] {
                let response = try await client.execute(uri: "/connections/\(id)\(path)", method: method)
                #expect(response.status == .badRequest)
                #expect(try response.problem().detail == "connection id must be an unsigned 64-bit integer, got \"\(id)\"")
            }
        }
    }

    @Test(arguments: [
        ("/connections/4", HTTPRequest.Method.get),
        ("/connections/4", .delete),
        ("/connections/4/doexit", .post),
        ("/connections/4/messages", .post),
    ])
    func operationsOnOneConnectionTakeNoQuery(path: String, method: HTTPRequest.Method) async throws {
        let connections = FakeConnections()
        try await withAdminRouter(connections: connections) { client in
            let response = try await client.execute(uri: "\(path)?clientName=x", method: method, body: ByteBuffer(string: #"{"act":"x"}"#))
            #expect(response.status == .badRequest)
            #expect(try response.problem().detail == #"unknown query parameter "clientName""#)
        }
        #expect(connections.calls.isEmpty)
    }

    @Test func showFindsTheConnectionAndLargestIdsSurvive() async throws {
        let connections = FakeConnections(snapshots: [.fake(id: UInt64.max)])
        try await withAdminRouter(connections: connections) { client in
            let response = try await client.execute(uri: "/connections/18446744073709551615", method: .get)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body).contains(#""id":18446744073709551615"#))
            let missing = try await client.execute(uri: "/connections/7", method: .get)
            #expect(missing.status == .notFound)
            #expect(try missing.problem().detail == "no connection with id 7")
        }
    }

    @Test(arguments: [(PushOutcome.sent, HTTPResponse.Status.noContent), (.closing, .noContent), (.notFound, .notFound)])
    func deleteClosesTheConnection(outcome: PushOutcome, status: HTTPResponse.Status) async throws {
        let connections = FakeConnections(outcome: outcome)
        let response = try await adminResponse(.delete, "/connections/9", connections: connections)
        #expect(response.status == status)
        if status == .noContent { #expect(response.body.readableBytes == 0) }
        #expect(connections.calls == [.close(9)])
    }

    @Test func doexitWithoutBodyLeavesTheGraceToTheGateway() async throws {
        let connections = FakeConnections()
        let response = try await adminResponse(.post, "/connections/4/doexit", connections: connections)
        #expect(response.status == .accepted)
        #expect(String(buffer: response.body) == #"{"id":4,"status":"doexit sent"}"#)
        #expect(connections.calls == [.doexit(4, data: "", grace: nil)])
    }

    @Test func doexitCarriesDataAndGrace() async throws {
        let connections = FakeConnections()
        try await withAdminRouter(connections: connections) { client in
            let body = ByteBuffer(string: #"{"data": "maintenance", "graceSeconds": 0}"#)
            let response = try await client.execute(uri: "/connections/4/doexit", method: .post, body: body)
            #expect(response.status == .accepted)
        }
        #expect(connections.calls == [.doexit(4, data: "maintenance", grace: .zero)])
    }

    @Test(arguments: [(PushOutcome.notFound, HTTPResponse.Status.notFound, "no connection with id 4"), (.closing, .conflict, "connection 4 is closing")])
    func doexitOfAMissingOrClosingConnection(outcome: PushOutcome, status: HTTPResponse.Status, detail: String) async throws {
        let response = try await adminResponse(
            .post, "/connections/4/doexit", connections: FakeConnections(outcome: outcome))
        #expect(response.status == status)
        #expect(try response.problem().detail == detail)
    }

    @Test(arguments: [
        (#"{"graceSeconds": 3601}"#, #"field "graceSeconds" must be an integer in 0...3600, got 3601"#),
        (#"{"graceSeconds": -1}"#, #"field "graceSeconds" must be an integer in 0...3600, got -1"#),
        (#"{"graceSeconds": "5"}"#, #"field "graceSeconds" must be an integer in 0...3600"#),
        (#"{"graceSeconds": 1.5}"#, #"field "graceSeconds" must be an integer in 0...3600"#),
        (#"{"graceSeconds": null}"#, #"field "graceSeconds" must be an integer in 0...3600, got null"#),
        (#"{"data": 7}"#, #"field "data" must be a string"#),
        (#"{"grace": 5}"#, #"unknown field "grace""#),
        (#"{"data": "x", "zeta": 1, "alpha": 2}"#, #"unknown field "alpha""#),
        (#"["data"]"#, "request body must be a JSON object"),
        (#""data""#, "request body must be a JSON object"),
        ("null", "request body must be a JSON object"),
        (#"{"data": "x""#, "request body is not valid JSON"),
        ("data=x", "request body is not valid JSON"),
    ])
    func badDoexitBodyIsRefused(body: String, detail: String) async throws {
        try await expectRefusedPost(body, to: "/connections/4/doexit", detail: detail)
    }

    @Test func doexitAllFiltersAndCounts() async throws {
        let connections = FakeConnections(matching: 3)
        try await withAdminRouter(connections: connections) { client in
            let body = ByteBuffer(string: #"{"data": "redeploy", "graceSeconds": 30}"#)
            let response = try await client.execute(uri: "/connections/doexit?clientName=web", method: .post, body: body)
            #expect(response.status == .accepted)
            #expect(String(buffer: response.body) == #"{"told":3}"#)
        }
        #expect(connections.calls == [.doexitAll(data: "redeploy", grace: .seconds(30), filter: ConnectionFilter(clientName: "web"))])
    }

    @Test func misspeltFilterNeverWidensADoexitToEveryone() async throws {
        let connections = FakeConnections(matching: 3)
        try await withAdminRouter(connections: connections) { client in
            let response = try await client.execute(uri: "/connections/doexit?client=web", method: .post)
            #expect(response.status == .badRequest)
            #expect(try response.problem().detail == #"unknown query parameter "client""#)
        }
        #expect(connections.calls.isEmpty)
    }

    @Test func oversizeBodyIsRefusedBeforeDecoding() async throws {
        let connections = FakeConnections()
        try await withAdminRouter(connections: connections, maxBodyBytes: 64) { client in
            let body = ByteBuffer(string: #"{"data": "\#(String(repeating: "x", count: 100))"}"#)
            let response = try await client.execute(uri: "/connections/4/doexit", method: .post, body: body)
            #expect(response.status == .contentTooLarge)
            #expect(try response.problem().detail == "request body exceeds 64 bytes")
        }
        #expect(connections.calls.isEmpty)
    }
}
