import Foundation

/// A process's memory and CPU time, read from /proc/<pid>/status and /proc/<pid>/stat.
public struct ProcessSample: Codable, Sendable, Equatable {
    public var residentKiB: Int
    /// User plus system CPU time, in seconds.
    public var cpuSeconds: Double
    public var threads: Int

    public init(residentKiB: Int, cpuSeconds: Double, threads: Int) {
        self.residentKiB = residentKiB
        self.cpuSeconds = cpuSeconds
        self.threads = threads
    }

    /// Throws naming the file when the process is gone or the files do not read as expected.
    public static func read(pid: Int32) throws -> ProcessSample {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let rss = statusField("VmRSS", in: status), let threads = statusField("Threads", in: status),
            let cpuTicks = cpuTicks(stat: stat)
        else {
            throw ProcessSampleError(pid: pid)
        }
        return ProcessSample(residentKiB: rss, cpuSeconds: Double(cpuTicks) / Double(sysconf(Int32(_SC_CLK_TCK))), threads: threads)
    }

    /// `VmRSS:\t  1234 kB` -> 1234.
    static func statusField(_ name: String, in status: String) -> Int? {
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            return line.dropFirst(name.count + 1).split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) }
        }
        return nil
    }

    /// utime + stime (fields 14 and 15), counted after the command name, which may hold spaces.
    static func cpuTicks(stat: String) -> Int? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state).
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }
}

public struct ProcessSampleError: Error, CustomStringConvertible {
    public var pid: Int32
    public var description: String { "cannot read memory and CPU time of process \(pid) from /proc/\(pid)" }
}
