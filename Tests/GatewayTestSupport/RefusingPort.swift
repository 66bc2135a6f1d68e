#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `body` with a loopback TCP port that refuses every connection until the body returns.
@discardableResult
public func withRefusingPort<Result>(_ body: (Int) async throws -> Result) async throws -> Result {
    let refusing = try RefusingPort()
    let result = try await body(refusing.port)
    withExtendedLifetime(refusing) {}
    return result
}

/// A socket bound to a loopback port that never listens, so connections to it are refused.
/// Unlike a port that was bound and then closed, no other test can take the port meanwhile and
/// turn a refusal into an answer.
private final class RefusingPort {
    let port: Int
    private let descriptor: Int32

    init() throws {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw SystemCallError(call: "socket for a refusing port", errno: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(descriptor, address, length) == 0 && getsockname(descriptor, address, &length) == 0
            }
        }
        guard bound else {
            let error = SystemCallError(call: "bind for a refusing port", errno: errno)
            close(descriptor)
            throw error
        }
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(descriptor)
    }
}
