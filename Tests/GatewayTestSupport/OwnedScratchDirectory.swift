#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A scratch directory in /tmp for a server a test starts, holding the test process's pid in
/// `owner.pid`: a test process that crashes leaves its servers running, and the next one to
/// start a server of the same kind stops them.
enum OwnedScratchDirectory {
    /// Makes `/tmp/PREFIX` followed by six random characters, owned by this process. First each
    /// directory of that prefix whose owner is gone goes to `stopAbandoned`, then is removed.
    static func make(prefix: String, stopAbandoned: (_ directory: String) -> Void) throws -> String {
        for directory in abandoned(prefix: prefix) {
            stopAbandoned(directory)
            _ = try? SpawnedProcess.run("/bin/rm", ["-rf", directory], environment: [:])
        }
        var template = Array("/tmp/\(prefix)XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SystemCallError(call: "mkdtemp", errno: errno) }
        let directory = String(cString: made)
        let path = directory + "/owner.pid"
        guard let file = fopen(path, "w") else { throw SystemCallError(call: "fopen \(path)", errno: errno) }
        fputs("\(getpid())\n", file)
        fclose(file)
        return directory
    }

    /// Directories of `prefix` whose owner no longer runs; one still being made has no owner
    /// yet and is left alone.
    private static func abandoned(prefix: String) -> [String] {
        guard let listing = opendir("/tmp") else { return [] }
        defer { closedir(listing) }
        var directories: [String] = []
        while let entry = readdir(listing) {
            // Read in place: a dirent may end before d_name's 256 bytes do, so copying the whole
            // field can run past the end of readdir's buffer into an unmapped page.
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 1) { String(cString: $0) }
            }
            guard name.hasPrefix(prefix), let owner = owner(of: "/tmp/" + name), kill(owner, 0) != 0, errno == ESRCH
            else { continue }
            directories.append("/tmp/" + name)
        }
        return directories
    }

    private static func owner(of directory: String) -> pid_t? {
        guard let file = fopen(directory + "/owner.pid", "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 64)
        guard let line = fgets(&buffer, 64, file) else { return nil }
        return String(cString: line).split(separator: "\n").first.flatMap { pid_t($0) }
    }
}
