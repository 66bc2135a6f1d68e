import GtcpClient
import NIOCore
import NIOPosix
import SettingsText

/// Opens the bench's client connections: the target resolved once, each socket bound to
/// 127.0.0.(1 + i % k) when the target is IPv4 loopback, so k source-port ranges are available.
/// With TLS a connection is handed over once its handshake is done, so handshakes are not
/// counted in the load.
struct Connector: Sendable {
    private let target: SocketAddress
    private let sourceAddresses: [SocketAddress]
    private let connectTimeout: TimeAmount
    private let tls: GtcpClientTLSContext?

    init(target: HostPort, sourceAddresses count: Int, connectTimeout: Duration, tls: GtcpClientTLS? = nil) throws {
        self.target = try SocketAddress.makeAddressResolvingHost(target.host, port: target.port)
        self.tls = try tls.map { try GtcpClientTLSContext($0, host: target.host) }
        if case .v4 = self.target, target.isLoopback, count > 1 {
            self.sourceAddresses = try (0..<min(count, 254)).map { try SocketAddress(ipAddress: "127.0.0.\(1 + $0)", port: 0) }
        } else {
            self.sourceAddresses = []
        }
        self.connectTimeout = TimeAmount(connectTimeout)
    }

    /// Connects connection `index` on `eventLoop`; `initializer` builds its pipeline.
    func connect(
        index: Int,
        on eventLoop: any EventLoop,
        initializer: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>
    ) async throws -> any Channel {
        let handshake = eventLoop.makePromise(of: Void.self)
        var bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { [tls] channel in
                guard let tls else {
                    handshake.succeed()
                    return initializer(channel)
                }
                do {
                    try tls.addHandlers(to: channel.pipeline.syncOperations, handshake: handshake)
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
                return initializer(channel)
            }
        if !sourceAddresses.isEmpty {
            bootstrap = bootstrap.bind(to: sourceAddresses[index % sourceAddresses.count])
        }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(to: target).get()
        } catch {
            handshake.fail(error)
            throw error
        }
        try await GtcpClientTLSContext.awaitHandshake(handshake, of: channel, timeout: connectTimeout)
        return channel
    }

    /// Connects `count` connections, at most `concurrency` at a time, spread over the loops in
    /// turn. Returns the channels that connected and the first failure's text.
    static func connectAll(
        count: Int,
        loops: [any EventLoop],
        concurrency: Int = 256,
        connect: @escaping @Sendable (_ index: Int, _ eventLoop: any EventLoop) async throws -> any Channel
    ) async -> (channels: [any Channel], failures: Int, firstFailure: String?) {
        await withTaskGroup(of: Result<any Channel, any Error>.self) { group in
            var channels: [any Channel] = []
            channels.reserveCapacity(count)
            var failures = 0
            var firstFailure: String?
            var next = 0
            func collect(_ result: Result<any Channel, any Error>) {
                switch result {
                case .success(let channel):
                    channels.append(channel)
                case .failure(let error):
                    failures += 1
                    if firstFailure == nil {
                        firstFailure = "connect failed: \(error)"
                    }
                }
            }
            while next < count {
                if next >= concurrency, let result = await group.next() {
                    collect(result)
                }
                let index = next
                let eventLoop = loops[index % loops.count]
                group.addTask {
                    do {
                        return .success(try await connect(index, eventLoop))
                    } catch {
                        return .failure(error)
                    }
                }
                next += 1
            }
            for await result in group {
                collect(result)
            }
            return (channels, failures, firstFailure)
        }
    }
}
