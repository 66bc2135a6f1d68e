import Foundation
import GatewayTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real gateway process joined to a cluster database, with its gtcp and admin ports.
struct ClusterGateway {
    let name: String
    let process: GatewayProcess
    let port: Int
    let adminPort: Int

    /// Starts `gtcp-gateway serve` as node `name` and waits until it listens.
    static func start(
        _ name: String, database: String, lease: String = "2s", extra: [String] = []
    ) async throws -> ClusterGateway {
        let process = try GatewayProcess(
            [
                "serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
                "--cluster-database-url", database, "--node-name", name, "--cluster-lease", lease,
            ] + extra)
        let port = try await process.port(announcedBy: "gtcp listener on")
        let adminPort = try await process.port(announcedBy: "admin API on")
        return ClusterGateway(name: name, process: process, port: port, adminPort: adminPort)
    }

    /// The admin API's status and body for `method path`.
    func admin(_ path: String, method: String = "GET", body: String? = nil) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(adminPort)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = 30
        if let body {
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    /// The lines of `GET /metrics` whose name starts with `prefix`, comments left out.
    func metrics(prefix: String) async throws -> [String] {
        String(decoding: try await admin("/metrics").body, as: UTF8.self)
            .split(separator: "\n").filter { $0.hasPrefix(prefix) }.map(String.init)
    }

    /// Every connection `GET /connections` lists, following the cursors; nil on a non-200.
    func listing(query: String = "", limit: Int = 1000) async throws -> [ListedConnection]? {
        var all: [ListedConnection] = []
        var cursor: String?
        repeat {
            let path = "/connections?limit=\(limit)" + (cursor.map { "&cursor=\($0)" } ?? "") + query
            let (status, body) = try await admin(path)
            guard status == 200 else { return nil }
            let page = try JSONDecoder().decode(ListedPage.self, from: body)
            all += page.connections
            cursor = page.next
        } while cursor != nil
        return all
    }

    /// Polls `condition` every 50ms until it holds or `limit` passes; how long it took, or nil.
    static func waitUntil(
        within limit: Duration, _ condition: () async throws -> Bool
    ) async throws -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < limit {
            if try await condition() { return ContinuousClock.now - start }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition() ? ContinuousClock.now - start : nil
    }

    func stop() async -> Int32 {
        process.signal(SIGTERM)
        return await process.exitStatus()
    }
}

struct ListedPage: Decodable {
    var connections: [ListedConnection]
    var next: String?
    var total: Int
}

struct ListedConnection: Decodable, Hashable {
    var id: UInt64
    var node: String?
    var clientName: String?
    var remoteAddress: String
}

/// A fresh database on the process's throwaway PostgreSQL, or on a server of the test's own.
struct ClusterDatabase {
    let server: TestPostgres
    let name: String

    init(server: TestPostgres? = nil) throws {
        self.server = try server ?? TestPostgres.shared()
        self.name = try self.server.createDatabase()
    }

    var url: String { server.url(database: name) }

    /// How many connections the directory holds, lapsed nodes' included.
    func directoryRows() throws -> Int {
        Int(try server.psql("SELECT count(*) FROM gtcp_gateway.connections", database: name).split(separator: "\n")[0])
            ?? -1
    }
}
