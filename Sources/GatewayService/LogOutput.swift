#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where log lines go, and whether journald reads them there.
public struct LogOutput: Sendable {
    public var fileDescriptor: CInt
    /// journald stamps each line itself and reads a `<N>` priority prefix (sd-daemon.h).
    public var isJournal: Bool

    public init(fileDescriptor: CInt, isJournal: Bool) {
        self.fileDescriptor = fileDescriptor
        self.isJournal = isJournal
    }

    /// Standard error, in journal style when `JOURNAL_STREAM` names this very stream: a child
    /// whose stderr was redirected inherits the variable but must not take the journal style.
    public static func standardError(environment: [String: String]) -> LogOutput {
        LogOutput(
            fileDescriptor: STDERR_FILENO,
            isJournal: environment["JOURNAL_STREAM"].map { isStream($0, descriptor: STDERR_FILENO) } ?? false
        )
    }

    /// `JOURNAL_STREAM` is `device:inode` of the stream systemd connected.
    static func isStream(_ journalStream: String, descriptor: CInt) -> Bool {
        let parts = journalStream.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return false }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
    }

    /// One write(2) for the whole line, so lines from different threads never interleave.
    func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                #if canImport(Glibc)
                let written = Glibc.write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #else
                let written = Darwin.write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #endif
                if written < 0 {
                    if errno == EINTR { continue }
                    return  // nowhere left to report a failing log stream
                }
                offset += written
            }
        }
    }
}
