import Foundation
import Hummingbird
import NIOConcurrencyHelpers

/// The backend the CurlUpstream tests talk to; each act shows one behaviour of an upstream.
final class TestBackend: Sendable {
    let gate = Gate()
    private let peerPorts = NIOLockedValueBox<[Int]>([])

    /// The client ports of the requests to `peer`, one per request.
    var observedPeerPorts: [Int] { peerPorts.withLockedValue { $0 } }

    func makeRouter() -> Router<PeerRequestContext> {
        let router = Router(context: PeerRequestContext.self)
        router.post("/acts/:act") { request, context -> Response in
            let act = try context.parameters.require("act")
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            let text = String(buffer: body)
            switch act {
            case "echo":
                return Self.text(text)
            case "headers":
                var headers: [String: String] = [:]
                for field in request.headers {
                    headers[field.name.canonicalName] = field.value
                }
                let json = try JSONEncoder().encode(headers)
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: json)))
            case "content-type":
                return Self.text(request.headers[.contentType] ?? "none")
            case "status":
                // The body names the status to answer with, and nothing else is sent.
                return Response(status: .init(code: Int(text) ?? 500))
            case "renamed":
                return Response(
                    status: .ok, headers: [HTTPFields.Element.Name("x-gtcp-act")!: "  renamed-act "],
                    body: .init(byteBuffer: ByteBuffer(string: "hi")))
            case "act-header":
                // The body is the X-Gtcp-Act value to answer with.
                return Response(
                    status: .ok, headers: [HTTPFields.Element.Name("x-gtcp-act")!: text],
                    body: .init(byteBuffer: ByteBuffer(string: "hi")))
            case "bytes":
                return Self.text(String(repeating: "a", count: Int(text) ?? 0))
            case "invalid-utf8":
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: [0x61, 0xFF, 0x62])))
            case "gated":
                await self.gate.pass()
                return Self.text("released")
            case "peer", "gated-peer":
                if let port = context.peerPort {
                    self.peerPorts.withLockedValue { $0.append(port) }
                }
                if act == "gated-peer" {
                    await self.gate.pass()
                }
                return Self.text("ok")
            default:
                return Response(status: .notFound)
            }
        }
        router.post("/other/:act") { _, _ in Self.text("other path") }
        return router
    }

    private static func text(_ text: String) -> Response {
        Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
