#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call of a test fixture, with the system's reason.
public struct SystemCallError: Error, CustomStringConvertible {
    let call: String
    let errno: Int32

    public var description: String { "\(call) failed: \(String(cString: strerror(errno)))" }
}
