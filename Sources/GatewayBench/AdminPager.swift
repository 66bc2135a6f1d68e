import Foundation
import Histogram
import NIOCore
import NIOHTTP1
import NIOPosix

/// Where the gateway's admin API is and how to page through `GET /connections`.
public struct AdminPagingConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var limit = 1000
    public var token: String?
    /// Paging also stops after this many sweeps (and when the load ends).
    public var maxSweeps = 100_000
    /// A sweep that has not reached `next: null` after this many pages is abandoned.
    public var maxPagesPerSweep = 10_000
    /// A sweep starts this long after the previous one started (at once if that one took
    /// longer), as a dashboard refreshing its list would; nil sweeps back to back.
    public var sweepInterval: Duration?
}

// In an extension, so that the module keeps the memberwise initializer.
extension AdminPagingConfiguration {
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}

/// What paging the admin API during a load run achieved.
public struct AdminPagingReport: Codable, Sendable {
    /// Complete passes over all connections, following `next` until null.
    public var sweeps: Int
    public var pages: Int
    public var connectionsListed: Int
    public var pageLatencyMicroseconds: LatencySummary
    /// The failure that ended paging early, if one did.
    public var error: String?
    /// From one sweep's start to the next's; nil when sweeps ran back to back.
    public var sweepIntervalSeconds: Double?
}

/// Pages through `GET /connections?limit=L&cursor=C` on one keep-alive connection, page after
/// page to the end, sweep after sweep (paced by `sweepInterval`), until cancelled or a request fails.
struct AdminPager: Sendable {
    let configuration: AdminPagingConfiguration
    let group: any EventLoopGroup

    private struct Page: Decodable {
        struct Entry: Decodable {}
        let connections: [Entry]
        let next: String?
    }

    func run() async -> AdminPagingReport {
        var latency = LatencyHistogram.make()
        var sweeps = 0
        var pages = 0
        var listed = 0
        var failure: String?
        do {
            let channel = try await ClientBootstrap(group: group)
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .connect(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                            wrappingChannelSynchronously: channel
                        )
                    }
                }
            try await channel.executeThenClose { inbound, outbound in
                var responses = inbound.makeAsyncIterator()
                var lastSweepStarted: ContinuousClock.Instant?
                while !Task.isCancelled, sweeps < configuration.maxSweeps {
                    if let interval = configuration.sweepInterval, let lastSweepStarted {
                        try await Task.sleep(until: lastSweepStarted + interval)
                    }
                    lastSweepStarted = .now
                    var cursor: String?
                    var sweepPages = 0
                    repeat {
                        let started = NIODeadline.now()
                        try await outbound.write(contentsOf: request(cursor: cursor))
                        let page = try await Self.readPage(&responses)
                        latency.record(UInt64((NIODeadline.now() - started).nanoseconds))
                        pages += 1
                        listed += page.connections.count
                        cursor = page.next
                        sweepPages += 1
                    } while cursor != nil && !Task.isCancelled && sweepPages < configuration.maxPagesPerSweep
                    if cursor == nil {
                        sweeps += 1
                    }
                }
            }
        } catch where Task.isCancelled {
            // The load ended: paging stops with it, whatever the interrupted request threw.
        } catch {
            failure = "\(error)"
        }
        return AdminPagingReport(
            sweeps: sweeps,
            pages: pages,
            connectionsListed: listed,
            pageLatencyMicroseconds: LatencySummary(nanoseconds: latency),
            error: failure,
            sweepIntervalSeconds: configuration.sweepInterval.map(\.seconds)
        )
    }

    private func request(cursor: String?) -> [HTTPClientRequestPart] {
        var uri = "/connections?limit=\(configuration.limit)"
        if let cursor {
            uri += "&cursor=\(cursor)"
        }
        var headers = HTTPHeaders([("Host", "\(configuration.host):\(configuration.port)")])
        if let token = configuration.token {
            headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        return [.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: headers)), .end(nil)]
    }

    private static func readPage(
        _ responses: inout NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    ) async throws -> Page {
        var status = HTTPResponseStatus.ok
        var body = ByteBuffer()
        while let part = try await responses.next() {
            switch part {
            case .head(let head):
                status = head.status
            case .body(var chunk):
                body.writeBuffer(&chunk)
            case .end:
                guard status == .ok else {
                    throw AdminPagingError(status: status, body: String(buffer: body))
                }
                return try JSONDecoder().decode(Page.self, from: Data(body.readableBytesView))
            }
        }
        throw AdminPagingError(status: nil, body: "the admin API closed the connection")
    }
}

struct AdminPagingError: Error, CustomStringConvertible {
    var status: HTTPResponseStatus?
    var body: String

    var description: String {
        status.map { "GET /connections answered \($0.code): \(body)" } ?? body
    }
}
