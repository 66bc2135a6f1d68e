import GtcpWire
import NIOCore

/// Writing to the client: replies in request order, flushes batched per read, and the slow
/// reader check after each flush.
extension ConnectionHandler {
    func reply(_ msg: Msg, context: ChannelHandlerContext) {
        guard let packet = encode(msg) else {
            // Only an error text longer than the configured max data size gets here.
            environment.logger.debug("reply \(msg.act.logExcerpt()) to [\(remoteAddress)] exceeds max data size, not sent")
            return
        }
        reply(packet: packet, context: context)
    }

    func reply(packet: ByteBuffer, context: ChannelHandlerContext) {
        replies.append(packet) { write($0, context: context) }
        flushIfNeeded(context: context)
    }

    func encode(_ msg: Msg) -> ByteBuffer? {
        try? encodePacket(msg)
    }

    func encodePacket(_ msg: Msg) throws -> ByteBuffer {
        var buffer = allocator.buffer(
            capacity: environment.framing.headerSize + msg.act.utf8.count + msg.data.utf8.count + 32
        )
        try encoder.encode(data: msg, out: &buffer)
        return buffer
    }

    func write(_ packet: ByteBuffer, context: ChannelHandlerContext) {
        packetsOut += 1
        bytesOut += UInt64(packet.readableBytes)
        environment.metrics.packetsOut.increment()
        environment.metrics.bytesOut.increment(by: Int64(packet.readableBytes))
        context.write(wrapOutboundOut(packet), promise: nil)
        needsFlush = true
    }

    /// Flushes now, or at the end of the current read so that replies to one read go out together.
    func flushIfNeeded(context: ChannelHandlerContext) {
        guard needsFlush, !batchingWrites else { return }
        needsFlush = false
        context.flush()
        closeIfSlowReader(context: context)
    }

    /// What a flush leaves behind is what the client has not read yet. Below the high-water
    /// mark the channel is writable, which is cheaper to ask than the buffered byte count.
    private func closeIfSlowReader(context: ChannelHandlerContext) {
        guard !context.channel.isWritable,
            let pending = try? context.channel.syncOptions?.getOption(.bufferedWritableBytes)
        else { return }
        reportQueuedOutput(pending)
        switch state.outputPending(pending) {
        case .none:
            break
        case .closeSlowReader:
            environment.logger.info(
                "closing [\(remoteAddress)]: \(pending) bytes of output not read (max \(environment.maxOutboundBytes))"
            )
            perform(.close(error: nil), context: context)
        }
    }

    /// An info line the client's packets caused, within the connection's budget of lines.
    func logClientCausedInfo(_ message: @autoclosure () -> String) {
        switch infoLines.take(at: .now()) {
        case .log(let leftOut):
            let note = leftOut > 0 ? " (\(leftOut) lines before left out of the log)" : ""
            environment.logger.info("\(message())\(note)")
        case .leaveOut:
            environment.metrics.logLinesLeftOut.increment()
        }
    }

    /// Output counts against the gateway-wide budget only while the channel is not writable.
    func reportQueuedOutput(_ bytes: Int) {
        if queuedOutput.update(to: bytes, in: environment.outputBudget) {
            environment.registry.shed(environment.outputBudget, reason: .slowReader, share: { $0.queuedOutput.bytes })
        }
    }
}
