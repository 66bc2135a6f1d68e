import NIOCore

/// The counts an idle run keeps per event loop; confined to its loop.
final class IdleLoop {
    var heartbeatsSent: UInt64 = 0
    var messagesReceived: UInt64 = 0
    var closedByServer = 0
    /// Set before the bench closes its connections, so those closes are not counted as the server's.
    var isClosing = false
    var firstError: String?

    var counts: IdleCounts {
        IdleCounts(heartbeatsSent: heartbeatsSent, messagesReceived: messagesReceived, closedByServer: closedByServer, firstError: firstError)
    }
}

struct IdleCounts: Sendable {
    var heartbeatsSent: UInt64 = 0
    var messagesReceived: UInt64 = 0
    var closedByServer = 0
    var firstError: String?

    static func + (lhs: Self, rhs: Self) -> Self {
        IdleCounts(
            heartbeatsSent: lhs.heartbeatsSent + rhs.heartbeatsSent,
            messagesReceived: lhs.messagesReceived + rhs.messagesReceived,
            closedByServer: lhs.closedByServer + rhs.closedByServer,
            firstError: lhs.firstError ?? rhs.firstError
        )
    }
}

/// A connection that only sends the pre-encoded heartbeat every interval, its first at a random
/// point in the first interval so the connections' heartbeats spread out.
final class IdleConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let loop: IdleLoop
    private let heartbeat: ByteBuffer
    private let interval: TimeAmount
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(loop: IdleLoop, heartbeat: ByteBuffer, interval: TimeAmount) {
        self.loop = loop
        self.heartbeat = heartbeat
        self.interval = interval
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        scheduleHeartbeat(in: .nanoseconds(Int64.random(in: 0..<max(interval.nanoseconds, 1))))
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        loop.messagesReceived += 1
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        if !loop.isClosing {
            loop.closedByServer += 1
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if loop.firstError == nil {
            loop.firstError = "connection error: \(error)"
        }
        context.close(promise: nil)
    }

    private func scheduleHeartbeat(in delay: TimeAmount) {
        guard let context else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { self.beat() }
    }

    private func beat() {
        guard let context, context.channel.isActive else { return }
        loop.heartbeatsSent += 1
        context.writeAndFlush(Self.wrapOutboundOut(heartbeat), promise: nil)
        scheduleHeartbeat(in: interval)
    }
}
