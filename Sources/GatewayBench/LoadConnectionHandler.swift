import GtcpWire
import NIOCore

/// One load connection: sends the same pre-encoded packet, keeps the send times of outstanding
/// messages in a FIFO (replies on one connection come back in order) and times each reply.
///
/// Built to cost the machine as little as possible beside the server it measures: it frames
/// replies itself (no pipeline hop per packet), and the messages that replies free up go out
/// as one slice of a buffer pre-filled with K copies of the packet, written once per read.
/// Nothing is allocated per message.
final class LoadConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let load: LoopLoad
    /// K copies of the request packet back to back.
    private let requests: ByteBuffer
    private let packetSize: Int
    private let classifier: ReplyClassifier
    private let outstandingLimit: Int
    private(set) var budget: Int
    private var sendTimes: CircularBuffer<UInt64>
    private var decoder: GtcpFrameDecoder
    /// Bytes of a reply split across reads.
    private var partial: ByteBuffer?
    private var context: ChannelHandlerContext?
    /// Counted by the loop: connected, with replies outstanding or messages still to send.
    private var isCounted = false
    private var isFinished = false

    init(
        load: LoopLoad,
        request: ByteBuffer,
        framing: GtcpFraming,
        classifier: ReplyClassifier,
        outstandingLimit: Int,
        budget: Int
    ) {
        var requests = ByteBuffer()
        requests.reserveCapacity(request.readableBytes * outstandingLimit)
        for _ in 0..<outstandingLimit {
            requests.writeImmutableBuffer(request)
        }
        self.load = load
        self.requests = requests
        self.packetSize = request.readableBytes
        self.classifier = classifier
        self.outstandingLimit = outstandingLimit
        self.budget = budget
        self.sendTimes = CircularBuffer(initialCapacity: outstandingLimit)
        self.decoder = GtcpFrameDecoder(framing: framing)
    }

    var canSend: Bool {
        load.isSending && budget > 0 && sendTimes.count < outstandingLimit && context != nil && !isFinished
    }

    // MARK: Driven by the loop

    /// Closed loop: sends until K are outstanding.
    func fillWindow() {
        send(min(outstandingLimit - sendTimes.count, budget))
        finishIfDone()
    }

    /// Open loop: sends one message now.
    func sendNow() {
        send(1)
    }

    func sendingStopped() {
        finishIfDone()
    }

    func abandon() {
        loseOutstanding(reason: "no reply before the drain timeout")
        finish()
        context?.close(promise: nil)
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        finish()
    }

    func channelActive(context: ChannelHandlerContext) {
        isCounted = true
        load.connectionOpened(self)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = Self.unwrapInboundIn(data)
        if var partial = self.partial {
            self.partial = nil
            partial.writeBuffer(&bytes)
            bytes = partial
        }
        do {
            while let packet = try decoder.nextPacket(from: &bytes) {
                replyArrived(packet)
            }
        } catch {
            load.recordFailure("connection error: \(error)")
            context.close(promise: nil)
            return
        }
        if bytes.readableBytes > 0 {
            partial = bytes
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if load.isPaced {
            finishIfDone()
        } else {
            fillWindow()
        }
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        loseOutstanding(reason: "the server closed the connection")
        finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        load.recordFailure("connection error: \(error)")
        context.close(promise: nil)
    }

    // MARK: Messages

    private func replyArrived(_ packet: ByteBuffer) {
        guard let sentAt = sendTimes.popFirst() else {
            load.recordUnsolicited()
            return
        }
        let now = NIODeadline.now().uptimeNanoseconds
        load.recordReply(classifier.classify(packet), latency: now - sentAt, at: now)
    }

    /// Writes `count` packets as one slice and flushes; each is timed from now.
    private func send(_ count: Int) {
        guard count > 0, canSend, let context else { return }
        budget -= count
        let now = NIODeadline.now().uptimeNanoseconds
        for _ in 0..<count {
            sendTimes.append(now)
        }
        load.recordSent(count)
        let slice = requests.getSlice(at: requests.readerIndex, length: count * packetSize)!
        context.writeAndFlush(Self.wrapOutboundOut(slice), promise: nil)
    }

    private func finishIfDone() {
        if sendTimes.isEmpty, !(load.isSending && budget > 0) {
            finish()
        }
    }

    private func loseOutstanding(reason: String) {
        load.recordLost(sendTimes.count, reason: reason)
        sendTimes.removeAll(keepingCapacity: true)
    }

    private func finish() {
        guard !isFinished else { return }
        isFinished = true
        if isCounted {
            load.connectionFinished()
        }
    }
}
