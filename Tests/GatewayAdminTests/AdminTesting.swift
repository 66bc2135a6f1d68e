import Foundation
@testable import GatewayAdmin
import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing

/// Runs `test` against the admin router over fakes, without sockets.
func withAdminRouter<Value>(
    connections: FakeConnections = FakeConnections(),
    cluster: (any AdminCluster)? = nil,
    ready: Bool = true,
    token: AdminToken = AdminToken(nil),
    metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
    maxBodyBytes: Int = 1 << 20,
    history: MetricsHistory = MetricsHistory(),
    _ test: @Sendable (any TestClientProtocol) async throws -> Value
) async throws -> Value {
    let configuration = AdminConfiguration(
        token: token,
        maxBodyBytes: maxBodyBytes
    )
    let router = AdminAPI.router(
        configuration: configuration,
        connections: connections,
        cluster: cluster,
        readiness: FakeReadiness(isReady: ready),
        metrics: metrics,
        history: history
    )
    return try await Application(router: router).test(.router, test)
}

/// The admin router's answer to one request, over fakes, without sockets.
func adminResponse(
    _ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: String? = nil,
    connections: FakeConnections = FakeConnections(), ready: Bool = true, token: AdminToken = AdminToken(nil)
) async throws -> TestResponse {
    try await withAdminRouter(connections: connections, ready: ready, token: token) { client in
        try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }
}

/// POSTs `body` to each of `uris`; each must be refused with 400 and `detail`, no connection touched.
func expectRefusedPost(
    _ body: String, to uris: String..., detail: String, sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let connections = FakeConnections()
    try await withAdminRouter(connections: connections) { client in
        for uri in uris {
            let response = try await client.execute(uri: uri, method: .post, body: ByteBuffer(string: body))
            #expect(response.status == .badRequest, sourceLocation: sourceLocation)
            #expect(try response.problem().detail == detail, sourceLocation: sourceLocation)
        }
    }
    #expect(connections.calls.isEmpty, sourceLocation: sourceLocation)
}

/// The RFC 9457 document every error carries.
struct ProblemDocument: Decodable, Equatable {
    let type: String
    let title: String
    let status: Int
    let detail: String
}

extension TestResponse {
    /// Decodes a problem and checks the media type and that the status inside matches.
    func problem(sourceLocation: SourceLocation = #_sourceLocation) throws -> ProblemDocument {
        #expect(self.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        let problem = try JSONDecoder().decode(ProblemDocument.self, from: Data(self.body.readableBytesView))
        #expect(problem.status == Int(self.status.code), sourceLocation: sourceLocation)
        #expect(problem.type == "about:blank", sourceLocation: sourceLocation)
        return problem
    }

    func json<Value: Decodable>(_ type: Value.Type) throws -> Value {
        try JSONDecoder().decode(Value.self, from: Data(self.body.readableBytesView))
    }

    /// The body as a JSON object, to check exact keys and nulls.
    func jsonObject() throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(self.body.readableBytesView)) as? [String: Any])
    }

    /// Checks for a 200 with a JSON body, and returns that body as a JSON object.
    func okJSONObject(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        #expect(self.status == .ok, sourceLocation: sourceLocation)
        #expect(self.headers[.contentType] == "application/json", sourceLocation: sourceLocation)
        return try jsonObject()
    }
}
