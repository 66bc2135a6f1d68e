import NIOCore
import NIOHTTPTypes

/// Closes an admin connection whose request head is not complete `timeout` after its first
/// byte; ``RequestBytesSignal``, at the front of the pipeline, tells it when bytes arrive. Tells
/// `slots` when a request starts and ends, so a connection in a request does not give way.
final class RequestHeadTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var deadline: RequestHeadDeadline
    private var timer: Scheduled<Void>?
    private let slots: AdminConnectionSlots

    init(timeout: TimeAmount, slots: AdminConnectionSlots) {
        self.deadline = RequestHeadDeadline(timeout: timeout)
        self.slots = slots
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is RequestBytesSignal.BytesArrived else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        perform(deadline.bytesArrived(at: .now()), context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            slots.requestStarted(on: context.channel)
            perform(deadline.headRead(), context: context)
        case .body:
            break
        case .end:
            deadline.requestRead()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            slots.requestFinished(on: context.channel)
            perform(deadline.responseWritten(at: .now()), context: context)
        }
        context.write(data, promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    private func perform(_ action: RequestHeadDeadline.Action, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .startTimer(let when):
            timer?.cancel()
            timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: when) {
                self.timer = nil
                self.perform(self.deadline.timerFired(), context: context)
            }
        case .cancelTimer:
            timer?.cancel()
            timer = nil
        case .close:
            context.close(promise: nil)
        }
    }
}

/// First in an admin connection's pipeline (before TLS, so a slow handshake counts too): tells
/// ``RequestHeadTimeoutHandler`` that bytes arrived, before the decoders see them.
final class RequestBytesSignal: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    struct BytesArrived {}

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireUserInboundEventTriggered(BytesArrived())
        context.fireChannelRead(data)
    }
}
