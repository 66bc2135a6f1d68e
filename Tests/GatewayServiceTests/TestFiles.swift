import Foundation

/// A scratch directory for one test, removed when the test's value goes away.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("gtcp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `text` to `name` in the directory and returns the file's path.
    func file(_ name: String, _ text: String) throws -> String {
        let filePath = path + "/" + name
        try text.write(toFile: filePath, atomically: true, encoding: .utf8)
        return filePath
    }
}
