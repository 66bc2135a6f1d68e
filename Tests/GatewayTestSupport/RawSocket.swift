import Glibc
import GtcpWire
import NIOCore

/// A blocking TCP socket for the faults a well-behaved client never produces: a reset instead
/// of a close, a receive buffer nobody reads, a packet cut short. Loopback only, so every call
/// returns quickly; `receive` gives up after the socket's timeout.
public final class RawSocket {
    public private(set) var fd: Int32

    /// - Parameter receiveBuffer: shrinks the kernel's receive buffer so a client that does not
    ///   read pushes back on the gateway sooner.
    public init(port: Int, receiveBuffer: Int? = nil, timeout: Duration = .seconds(20)) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawSocketError.failed("socket", errno) }
        if let receiveBuffer {
            var size = Int32(receiveBuffer)
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var seconds = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let error = errno
            close()
            throw RawSocketError.failed("connect", error)
        }
    }

    deinit {
        if fd >= 0 {
            Glibc.close(fd)
        }
    }

    public func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let result = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard result > 0 else { throw RawSocketError.failed("send", errno) }
            sent += result
        }
    }

    public func send(_ msg: Msg, framing: GtcpFraming = .default) throws {
        var buffer = ByteBuffer()
        try GtcpMsgEncoder(framing: framing).encode(data: msg, out: &buffer)
        try send(Array(buffer.readableBytesView))
    }

    /// Up to `count` bytes; empty at EOF.
    public func receive(upTo count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let result = bytes.withUnsafeMutableBytes { recv(fd, $0.baseAddress, count, 0) }
        guard result >= 0 else { throw RawSocketError.failed("recv", errno) }
        return Array(bytes.prefix(result))
    }

    /// Exactly `count` bytes, or fewer if the stream ends first.
    public func receive(exactly count: Int) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while bytes.count < count {
            let chunk = try receive(upTo: count - bytes.count)
            if chunk.isEmpty {
                break
            }
            bytes += chunk
        }
        return bytes
    }

    /// Whether the gateway closed the connection: reads until EOF or a reset.
    public func readsUntilClosed() -> Bool {
        while true {
            do {
                if try receive(upTo: 65536).isEmpty {
                    return true
                }
            } catch RawSocketError.failed(_, ECONNRESET) {
                return true
            } catch {
                return false
            }
        }
    }

    /// Closes with a reset (SO_LINGER 0) rather than a FIN; leaves no TIME_WAIT behind.
    public func reset() {
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        close()
    }

    public func close() {
        Glibc.close(fd)
        fd = -1
    }
}

public enum RawSocketError: Error, Equatable {
    case failed(String, Int32)
}
