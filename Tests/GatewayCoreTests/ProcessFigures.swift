import Foundation

/// This process's open file descriptors and resident memory, read from /proc.
struct ProcessFigures: CustomStringConvertible {
    var openDescriptors: Int
    var residentBytes: Int

    static func now() throws -> ProcessFigures {
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        // "VmRSS:	   123456 kB"
        let rss = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first }
            .flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        return ProcessFigures(openDescriptors: descriptors, residentBytes: (rss ?? 0) * 1024)
    }

    var description: String {
        "\(openDescriptors) fds, \(residentBytes >> 20) MiB resident"
    }
}
