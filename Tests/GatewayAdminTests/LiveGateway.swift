import Foundation
import GatewayAdmin
import GatewayCore
import GatewayTestSupport
import GtcpClient
import GtcpWire
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOPosix
import Prometheus
import Testing

/// A real gateway and its admin API in-process on 127.0.0.1 and ephemeral ports, wired as the
/// composition root wires them, with an HTTP client on the admin listener.
struct LiveGateway {
    let gatewayPort: Int
    let adminPort: Int
    let framing: GtcpFraming
    let http: TestClient
    /// Sent as the bearer token on every request made through `request`.
    var token: String?

    static func run<Result: Sendable>(
        token: String? = nil,
        _ body: @Sendable (LiveGateway) async throws -> Result
    ) async throws -> Result {
        let logger = Logger.quiet("gtcp-gateway-admin-test")
        let group = MultiThreadedEventLoopGroup.singleton
        let prometheus = PrometheusCollectorRegistry()
        let registry = ConnectionRegistry(group: group)
        let readiness = GatewayReadiness(listeners: 2)
        let configuration = GatewayConfiguration(port: 0, shutdownGrace: .milliseconds(100))
        let server = GatewayServer(
            configuration: configuration,
            policy: LivePolicy(ConnectionPolicy()),
            upstream: nil,
            registry: registry,
            readiness: readiness,
            metrics: GatewayMetrics(factory: PrometheusMetricsFactory(registry: prometheus)),
            group: group,
            logger: logger
        )
        let (adminPorts, adminPortSink) = AsyncStream.makeStream(of: Int.self)
        let admin = AdminAPI.application(
            configuration: AdminConfiguration(port: 0, token: AdminToken(token)),
            connections: registry,
            readiness: readiness,
            metrics: prometheus,
            logger: logger,
            onServerRunning: { port in
                readiness.listenerBound("admin", port: port)
                adminPortSink.yield(port)
            }
        )
        return try await withRunningServices([admin, server], logger: logger) {
            var ports = adminPorts.makeAsyncIterator()
            let adminPort = try #require(await ports.next())
            let gatewayPort = try #require(try await server.localAddress.port)
            let http = TestClient(host: "127.0.0.1", port: adminPort)
            http.connect()
            let result: Result
            do {
                result = try await body(
                    LiveGateway(
                        gatewayPort: gatewayPort, adminPort: adminPort, framing: configuration.framing, http: http,
                        token: token)
                )
            } catch {
                try? await http.shutdown()
                throw error
            }
            try await http.shutdown()
            return result
        }
    }

    func request(_ method: HTTPRequest.Method, _ uri: String, body: String? = nil) async throws -> TestClient.Response {
        try await self.request(method, uri, body: body, on: self.http)
    }

    /// `request` over an HTTP connection of its own, for requests that wait side by side.
    func requestAlone(_ method: HTTPRequest.Method, _ uri: String, body: String? = nil) async throws -> TestClient.Response {
        try await TestClient.withClient(host: "127.0.0.1", port: self.adminPort) { client in
            try await self.request(method, uri, body: body, on: client)
        }
    }

    private func request(
        _ method: HTTPRequest.Method,
        _ uri: String,
        body: String?,
        on client: TestClient
    ) async throws -> TestClient.Response {
        var headers: HTTPFields = [:]
        if let token {
            headers[.authorization] = "Bearer \(token)"
        }
        if body != nil {
            headers[.contentType] = "application/json"
        }
        return try await client.execute(
            TestClient.Request(uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        )
    }

    /// A client that said hello with `name`, and its id as the admin API lists it.
    func connect(name: String) async throws -> Peer {
        let connection = try await GtcpClientConnection.connect(host: "127.0.0.1", port: self.gatewayPort, framing: self.framing)
        var peer = Peer(connection: connection, id: 0)
        try await connection.send(Msg(act: "hello", data: name))
        #expect(try await peer.next()?.act == "hello")
        let page = try await self.request(.get, "/connections?clientName=\(name)").json(ConnectionPageBody.self)
        peer.id = try #require(page.connections.first?.id)
        return peer
    }
}

/// One gtcp client of the live gateway; reads its messages in order.
struct Peer {
    let connection: GtcpClientConnection
    var id: ConnectionID
    private var messages: AsyncThrowingStream<Msg, any Error>.AsyncIterator

    init(connection: GtcpClientConnection, id: ConnectionID) {
        self.connection = connection
        self.id = id
        self.messages = connection.messages.makeAsyncIterator()
    }

    /// The next message, or nil once the gateway closed the connection.
    mutating func next() async throws -> Msg? {
        try await self.messages.next()
    }
}

/// The documented response bodies, decoded the way a client of the API would; one connection's
/// is also encoded by Foundation, as the reference for the hand-written JSON.
struct ConnectionBody: Codable, Equatable {
    let id: UInt64
    let remoteAddress: String
    @NullWhenAbsent var clientName: String?
    @NullWhenAbsent var clientCertificateSubject: String?
    let connectedAt: String
    let lastActiveAt: String
    let packetsIn: UInt64
    let packetsOut: UInt64
    let bytesIn: UInt64
    let bytesOut: UInt64
    let inFlight: Int
    let closing: Bool
    @NullWhenAbsent var node: String?
}

/// Written as `null` when absent, as the API writes it, where synthesized `Codable` leaves the key out.
@propertyWrapper
struct NullWhenAbsent<Value: Codable & Equatable>: Codable, Equatable {
    var wrappedValue: Value?

    init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }

    init(from decoder: any Decoder) throws {
        self.wrappedValue = try decoder.singleValueContainer().decode(Value?.self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.wrappedValue)
    }
}

struct ConnectionPageBody: Decodable {
    let total: Int
    let connections: [ConnectionBody]
    let next: String?
}

extension TestClient.Response {
    func json<Value: Decodable>(_ type: Value.Type) throws -> Value {
        try JSONDecoder().decode(Value.self, from: Data((self.body ?? ByteBuffer()).readableBytesView))
    }

    var text: String { self.body.map { String(buffer: $0) } ?? "" }
}
