#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stream socket bound to a loopback port the kernel picks, or to a Unix socket path, and
/// closed when the value goes away. Not close-on-exec, so a child can be handed it.
final class BoundSocket {
    let descriptor: Int32
    /// 0 for a Unix socket.
    let port: Int

    /// `purpose` names it in errors ("a refusing port").
    init(loopbackFor purpose: String) throws {
        let descriptor = try Self.makeSocket(AF_INET, purpose)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(descriptor, address, length) == 0 && getsockname(descriptor, address, &length) == 0
            }
        }
        try Self.check(bound, descriptor, "bind for \(purpose)")
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    init(unixPath path: String, for purpose: String) throws {
        let descriptor = try Self.makeSocket(AF_UNIX, purpose)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let fits = bytes.count < MemoryLayout.size(ofValue: address.sun_path)
        if fits {
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        }
        let bound =
            fits
            && withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
                }
            }
        try Self.check(bound, descriptor, "bind \(path) for \(purpose)")
        self.descriptor = descriptor
        self.port = 0
    }

    func listen() throws {
        guard Glibc.listen(descriptor, 512) == 0 else { throw SystemCallError(call: "listen", errno: errno) }
    }

    deinit {
        close(descriptor)
    }

    private static func makeSocket(_ family: Int32, _ purpose: String) throws -> Int32 {
        #if canImport(Glibc)
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(family, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw SystemCallError(call: "socket for \(purpose)", errno: errno) }
        return descriptor
    }

    private static func check(_ succeeded: Bool, _ descriptor: Int32, _ call: String) throws {
        guard succeeded else {
            let error = SystemCallError(call: call, errno: errno)
            close(descriptor)
            throw error
        }
    }
}
