import NIOSSL
import Synchronization

/// The TLS context a listener gives each new connection, replaced as a whole on reload (new
/// certificates); connections already open keep the one they were accepted with.
public final class LiveTLSContext: Sendable {
    private let storage: Mutex<NIOSSLContext>

    public init(_ context: NIOSSLContext) {
        self.storage = Mutex(context)
    }

    public var current: NIOSSLContext {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
