#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads small text files (configuration, tokens) with the system's own reason on failure,
/// which Foundation's errors bury in long descriptions.
enum FileContents {
    struct ReadError: Error {
        /// `No such file or directory`, `Permission denied`, `is a directory`, `is not UTF-8 text`.
        let reason: String
    }

    private static let maximumBytes = 16 << 20

    static func text(atPath path: String) throws(ReadError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw ReadError(reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw ReadError(reason: String(cString: strerror(errno))) }
        guard (status.st_mode & S_IFMT) != S_IFDIR else { throw ReadError(reason: "is a directory") }

        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw ReadError(reason: String(cString: strerror(errno)))
            }
            bytes += chunk[..<count]
            guard bytes.count <= maximumBytes else { throw ReadError(reason: "is larger than 16 MiB") }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ReadError(reason: "is not UTF-8 text")
        }
        return text
    }
}
