import GtcpWire
import NIOConcurrencyHelpers
import NIOCore

/// The current `ConnectionPolicy`, replaced as a whole on reload.
public final class LivePolicy: Sendable {
    private struct State {
        var policy: ConnectionPolicy
        /// The `hello` reply for `policy.greeting`, encoded on first use: every hello would
        /// otherwise encode and allocate the same bytes.
        var helloReply: (framing: GtcpFraming, packet: ByteBuffer?)?
    }

    private let storage: NIOLockedValueBox<State>

    public init(_ policy: ConnectionPolicy) {
        self.storage = NIOLockedValueBox(State(policy: policy))
    }

    public var current: ConnectionPolicy {
        get { storage.withLockedValue { $0.policy } }
        set { storage.withLockedValue { $0 = State(policy: newValue) } }
    }

    /// The packet answering `hello` with the current greeting; nil when the greeting does not
    /// fit `framing`'s max data size.
    func helloReply(framing: GtcpFraming) -> ByteBuffer? {
        storage.withLockedValue { state in
            if let cached = state.helloReply, cached.framing == framing {
                return cached.packet
            }
            let packet: ByteBuffer?
            do {
                var buffer = ByteBuffer()
                try GtcpMsgEncoder(framing: framing).encode(data: Msg(act: "hello", data: state.policy.greeting), out: &buffer)
                packet = buffer
            } catch {
                packet = nil
            }
            state.helloReply = (framing, packet)
            return packet
        }
    }
}
