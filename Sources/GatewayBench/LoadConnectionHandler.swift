import NIOCore

/// One load connection: sends the same pre-encoded packet, keeps the send times of outstanding
/// messages in a FIFO (replies on one connection come back in order) and times each reply.
///
/// Sits after the frame decoder. Nothing is allocated per message: the packet is one shared
/// buffer and the FIFO holds at most K timestamps.
final class LoadConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let load: LoopLoad
    private let request: ByteBuffer
    private let classifier: ReplyClassifier
    private let outstandingLimit: Int
    private(set) var budget: Int
    private var sendTimes: CircularBuffer<UInt64>
    private var context: ChannelHandlerContext?
    private var needsFlush = false
    /// Counted by the loop: connected, with replies outstanding or messages still to send.
    private var isCounted = false
    private var isFinished = false

    init(
        load: LoopLoad,
        request: ByteBuffer,
        classifier: ReplyClassifier,
        outstandingLimit: Int,
        budget: Int
    ) {
        self.load = load
        self.request = request
        self.classifier = classifier
        self.outstandingLimit = outstandingLimit
        self.budget = budget
        self.sendTimes = CircularBuffer(initialCapacity: outstandingLimit)
    }

    var canSend: Bool {
        load.isSending && budget > 0 && sendTimes.count < outstandingLimit && context != nil && !isFinished
    }

    // MARK: Driven by the loop

    /// Closed loop: sends until K are outstanding.
    func fillWindow() {
        refill()
        flushIfNeeded()
    }

    /// Open loop: sends one message now.
    func sendNow() {
        write()
        flushIfNeeded()
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
        let packet = Self.unwrapInboundIn(data)
        guard let sentAt = sendTimes.popFirst() else {
            load.recordUnsolicited()
            return
        }
        let now = NIODeadline.now().uptimeNanoseconds
        load.recordReply(classifier.classify(packet), latency: now - sentAt, at: now)
        if load.isPaced {
            finishIfDone()
        } else {
            refill()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushIfNeeded()
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

    // MARK: Sending

    /// Tops the window up to K; the flush waits for the end of the read.
    private func refill() {
        while canSend {
            write()
        }
        finishIfDone()
    }

    private func write() {
        budget -= 1
        sendTimes.append(NIODeadline.now().uptimeNanoseconds)
        load.recordSent()
        context?.write(Self.wrapOutboundOut(request), promise: nil)
        needsFlush = true
    }

    /// Within a read, replies' follow-ups go out together at the read's end.
    private func flushIfNeeded() {
        guard needsFlush, let context else { return }
        needsFlush = false
        context.flush()
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
