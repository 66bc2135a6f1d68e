import GatewayCurl
import GatewayUpstream
import GtcpClient
import GtcpWire
import Hummingbird
import Logging
import NIOCore
import Testing

@testable import GatewayCore

/// An upstream with routes and no default URL: acts no route takes get the usual error.
@Suite(.timeLimit(.minutes(1)))
struct RoutedActsTests {
    @Test func anActNoRouteTakesGetsTheNoUpstreamError() async throws {
        let router = Router()
        router.post("/orders/:act") { _, context -> Response in
            Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: try context.parameters.require("act"))))
        }
        try await TestBackend.run(router) { port in
            var logger = Logger(label: "test-upstream")
            logger.logLevel = .critical
            let routes = UpstreamRoutes([
                UpstreamRoute(act: .prefix("order."), urlTemplate: "http://127.0.0.1:\(port)/orders/{act}")
            ])
            let upstream = try CurlUpstream(
                configuration: UpstreamConfiguration(urlTemplate: nil, routes: routes), logger: logger)
            try await TestGateway.run(upstream: upstream) { gateway in
                let client = try await gateway.connect()
                var replies = MessageReader(client)
                try await client.send(Msg(act: "order.create", data: "{}"))
                #expect(try await replies.next() == Msg(act: "order.create", data: "order.create"))
                try await client.send(Msg(act: "ping"))
                #expect(
                    try await replies.next()
                        == Msg(act: "error", data: #"{"act":"ping","error":"no upstream configured for act ping"}"#))
                await client.close()
            }
            await upstream.shutdown()
        }
    }
}
