import Glibc

/// The file each input is written to, since settings load from a path: one per process, in
/// TMPDIR (scripts/fuzz.sh points it into .build-fuzz).
enum ScratchConfigFile {
    static let path = (getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp") + "/gtcp-fuzz-settings-\(getpid()).yaml"

    static func write(_ bytes: UnsafeRawBufferPointer) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        precondition(descriptor >= 0, "cannot open \(path)")
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let result = Glibc.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
            precondition(result > 0, "cannot write \(path)")
            written += result
        }
    }
}
