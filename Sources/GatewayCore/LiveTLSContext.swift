import NIOConcurrencyHelpers
import NIOSSL

/// The TLS context a listener gives each new connection, replaced as a whole on reload (new
/// certificates); connections already open keep the one they were accepted with.
public final class LiveTLSContext: Sendable {
    private let storage: NIOLockedValueBox<NIOSSLContext>

    public init(_ context: NIOSSLContext) {
        self.storage = NIOLockedValueBox(context)
    }

    public var current: NIOSSLContext {
        get { storage.withLockedValue { $0 } }
        set { storage.withLockedValue { $0 = newValue } }
    }
}
