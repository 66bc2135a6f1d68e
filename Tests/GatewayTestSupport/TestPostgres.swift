#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers

/// A throwaway PostgreSQL 15 server on a loopback port, in a temporary directory, for the
/// cluster tests: initdb and pg_ctl as the postgres user when the tests run as root, no systemd.
///
/// ``shared()`` is one server per test process, each test taking a fresh database from it;
/// a test that stops and starts the server (an outage) starts one of its own. Every server is
/// stopped when the process exits, and one a crashed test process left behind is stopped by the
/// next that starts.
public final class TestPostgres: Sendable {
    public static let binaries = "/usr/lib/postgresql/15/bin"

    public let port: Int
    /// Holds `data/`, the server's log, its Unix socket and its TLS certificate and key.
    public let directory: String
    /// `-c` options beyond the defaults: TLS.
    private let options: String

    private static let started = NIOLockedValueBox<[TestPostgres]>([])
    private static let sharedServer = NIOLockedValueBox<TestPostgres?>(nil)
    private static let databases = NIOLockedValueBox(0)

    /// The process's server, started on first use.
    public static func shared() throws -> TestPostgres {
        try sharedServer.withLockedValue { server in
            if let server { return server }
            let started = try TestPostgres()
            server = started
            return started
        }
    }

    /// A new server of its own; with `tls`, it also takes TLS connections (`ssl=on`) and presents
    /// that certificate.
    public init(tls: (certificatePath: String, keyPath: String)? = nil) throws {
        guard access(Self.binaries + "/initdb", X_OK) == 0 else {
            throw TestPostgresError("PostgreSQL 15 is not installed (no \(Self.binaries)/initdb): run `make deps`")
        }
        directory = try OwnedScratchDirectory.make(prefix: "gtcp-pg-") { abandoned in
            _ = try? Self.run(
                Self.binaries + "/pg_ctl", ["-D", abandoned + "/data", "-m", "immediate", "-w", "stop"], in: abandoned)
        }
        if getuid() == 0, let postgres = getpwnam("postgres") {
            chown(directory, postgres.pointee.pw_uid, postgres.pointee.pw_gid)
        }
        if let tls {
            try Self.install(tls.certificatePath, as: directory + "/server.crt")
            try Self.install(tls.keyPath, as: directory + "/server.key")
            options = " -c ssl=on -c ssl_cert_file=\(directory)/server.crt -c ssl_key_file=\(directory)/server.key"
        } else {
            options = ""
        }
        try Self.run(
            Self.binaries + "/initdb", ["-D", directory + "/data", "-U", "postgres", "-A", "trust", "--no-sync"],
            in: directory)
        var lastFailure = ""
        for _ in 0..<8 {
            let candidate = Int.random(in: 15_000..<30_000)
            do {
                try Self.run(
                    Self.binaries + "/pg_ctl", Self.startArguments(directory: directory, port: candidate, options: options),
                    in: directory)
                port = candidate
                Self.started.withLockedValue { $0.append(self) }
                if Self.started.withLockedValue({ $0.count }) == 1 {
                    atexit { TestPostgres.stopAll() }
                }
                return
            } catch {
                lastFailure = "\(error)"
            }
        }
        throw TestPostgresError("PostgreSQL did not start on any of 8 ports: \(lastFailure)")
    }

    /// `postgres://postgres@127.0.0.1:PORT/DATABASE`, the trust login of the tests.
    public func url(database: String) -> String {
        "postgres://postgres@127.0.0.1:\(port)/\(database)"
    }

    /// A new, empty database, named uniquely in this process.
    public func createDatabase() throws -> String {
        let number = Self.databases.withLockedValue {
            $0 += 1
            return $0
        }
        let name = "gtcp_test_\(number)"
        try psql("CREATE DATABASE \(name)")
        return name
    }

    /// Runs SQL as the superuser; what psql printed (unaligned, tuples only).
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        try Self.run(
            Self.binaries + "/psql",
            ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1",
             "-At", "-c", sql],
            in: directory, asPostgres: false)
    }

    /// Stops the server at once, as a crash or a pulled cable would for its clients.
    public func stop() throws {
        try Self.run(Self.binaries + "/pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "stop"], in: directory)
    }

    /// Starts it again on the same port after ``stop()``.
    public func start() throws {
        try Self.run(
            Self.binaries + "/pg_ctl", Self.startArguments(directory: directory, port: port, options: options),
            in: directory)
    }

    private static func startArguments(directory: String, port: Int, options: String) -> [String] {
        [
            "-D", directory + "/data", "-l", directory + "/server.log", "-w",
            "-o",
            "-p \(port) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" + options,
            "start",
        ]
    }

    /// A copy owned by the user the server runs as, mode 0600: PostgreSQL refuses a key others can read.
    private static func install(_ file: String, as copy: String) throws {
        let owner = getuid() == 0 ? ["-o", "postgres", "-g", "postgres"] : []
        try run("/usr/bin/install", ["-m", "0600"] + owner + [file, copy], in: "/", asPostgres: false)
    }

    private static func stopAll() {
        for server in started.withLockedValue({ $0 }) {
            try? server.stop()
            _ = try? run("/bin/rm", ["-rf", server.directory], in: "/", asPostgres: false)
        }
    }

    /// Runs a command to its end, as the postgres user when the tests run as root.
    @discardableResult
    private static func run(_ executable: String, _ arguments: [String], in directory: String, asPostgres: Bool = true)
        throws -> String
    {
        let asOtherUser = asPostgres && getuid() == 0
        let (status, output) = try SpawnedProcess.run(
            asOtherUser ? "/usr/sbin/runuser" : executable,
            asOtherUser ? ["-u", "postgres", "--", executable] + arguments : arguments,
            environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PGCONNECT_TIMEOUT": "5"],
            workingDirectory: directory)
        guard status == 0 else {
            throw TestPostgresError("\(executable) \(arguments.joined(separator: " ")) exited with \(status): \(output)")
        }
        return output
    }
}

public struct TestPostgresError: Error, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
