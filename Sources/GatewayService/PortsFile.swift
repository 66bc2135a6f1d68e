import Foundation

/// The `ports-file`: where the listeners ended up, for scripts that start a gateway on port 0.
enum PortsFile {
    /// `gtcp 40123` and `admin 40124`, a line each, written to a temporary file that is then
    /// renamed: a reader finds the whole file or none.
    static func write(_ ports: [(listener: String, port: Int)], to path: String) throws {
        let text = ports.map { "\($0.listener) \($0.port)\n" }.joined()
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
