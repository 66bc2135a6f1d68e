import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP connection that sends whatever bytes a test gives it, HTTP or not: a hostile client.
public struct RawConnection: Sendable {
    private let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>

    public static func connect(port: Int) async throws -> RawConnection {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return RawConnection(channel: channel)
    }

    /// Sends `bytes`, then everything the server writes until it closes the connection. A
    /// connection reset counts as a close: the server may close before reading all it was sent.
    public func sendAndReadUntilClosed(_ bytes: [UInt8]) async throws -> [UInt8] {
        try await channel.executeThenClose { inbound, outbound in
            if !bytes.isEmpty {
                try? await outbound.write(ByteBuffer(bytes: bytes))
            }
            var received: [UInt8] = []
            do {
                for try await chunk in inbound {
                    received += chunk.readableBytesView
                }
            } catch let error as IOError where error.errnoCode == ECONNRESET {}
            return received
        }
    }

    /// Sends one request and reads the response head and body up to `Content-Length`.
    public static func get(_ path: String, port: Int) async throws -> String {
        let connection = try await connect(port: port)
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        return String(decoding: try await connection.sendAndReadUntilClosed(Array(request.utf8)), as: UTF8.self)
    }
}
