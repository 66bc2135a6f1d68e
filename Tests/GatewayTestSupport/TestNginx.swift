#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Debian's nginx as an upstream, in a scratch directory with its own config, logs and temp
/// paths: a master and one worker, not daemonized, serving a listening socket the test binds and
/// hands over as nginx's own binary upgrade does (the `NGINX` variable). So it takes connections
/// the moment it starts, with no wait, and no other test can take its port meanwhile. (Without a
/// master, nginx 1.22 crashes on an inherited socket.)
///
/// `/protocol` answers nginx's `$server_protocol` (`HTTP/1.1`, `HTTP/2.0`) and `/echo` the query's
/// `data`; `access.log` has one `METHOD URI PROTOCOL` line per request.
public final class TestNginx: Sendable {
    public static let binary = "/usr/sbin/nginx"

    public let directory: String
    /// The loopback port; 0 when it listens on `socketPath`.
    public let port: Int
    public var socketPath: String { directory + "/nginx.sock" }
    private let process: SpawnedProcess

    /// Runs `body` with nginx listening on a loopback port, or on `socketPath` with
    /// `unixSocket`; `listenOptions` follow the address in `listen` (`ssl http2`); `certificate`
    /// and `key` are the server's PEM files for `ssl`. Stopped and removed however `body` ends;
    /// one a crashed test process left behind is stopped by the next that starts an nginx.
    public static func run<Result>(
        unixSocket: Bool = false, listenOptions: String = "", certificate: String? = nil, key: String? = nil,
        _ body: (TestNginx) async throws -> Result
    ) async throws -> Result {
        let nginx = try TestNginx(unixSocket: unixSocket, listenOptions: listenOptions, certificate: certificate, key: key)
        defer { nginx.stop() }
        return try await body(nginx)
    }

    private init(unixSocket: Bool, listenOptions: String, certificate: String?, key: String?) throws {
        guard access(Self.binary, X_OK) == 0 else {
            throw TestNginxError("nginx is not installed (no \(Self.binary)): run `make deps`")
        }
        let directory = try OwnedScratchDirectory.make(prefix: "gtcp-nginx-") { abandoned in
            _ = try? SpawnedProcess.run(Self.binary, Self.arguments(directory: abandoned) + ["-s", "stop"], environment: [:])
        }
        self.directory = directory
        let socketPath = directory + "/nginx.sock"
        let listener =
            unixSocket
            ? try BoundSocket(unixPath: socketPath, for: "nginx") : try BoundSocket(loopbackFor: "nginx")
        try listener.listen()
        port = listener.port
        let address = unixSocket ? "unix:\(socketPath)" : "127.0.0.1:\(port)"
        let tls = certificate.map { "ssl_certificate \($0);\n        ssl_certificate_key \(key ?? "");" } ?? ""
        let configuration = """
            daemon off;
            user root;
            worker_processes 1;
            pid \(directory)/nginx.pid;
            error_log \(directory)/error.log warn;
            events { worker_connections 4096; }
            http {
                log_format requests '$request_method $uri $server_protocol';
                access_log \(directory)/access.log requests;
                client_body_temp_path \(directory)/client_body;
                proxy_temp_path \(directory)/proxy;
                fastcgi_temp_path \(directory)/fastcgi;
                uwsgi_temp_path \(directory)/uwsgi;
                scgi_temp_path \(directory)/scgi;
                default_type text/plain;
                keepalive_requests 1000000;
                server {
                    listen \(address) \(listenOptions);
                    \(tls)
                    location = /protocol { return 200 "$server_protocol"; }
                    location = /echo { return 200 "$arg_data"; }
                }
            }

            """
        let path = directory + "/nginx.conf"
        guard let file = fopen(path, "w") else { throw SystemCallError(call: "fopen \(path)", errno: errno) }
        fputs(configuration, file)
        fclose(file)
        let arguments = Self.arguments(directory: directory)
        // A mistake in the configuration shows here, not as connections left waiting in the backlog.
        let (status, output) = try SpawnedProcess.run(Self.binary, ["-t", "-q"] + arguments, environment: [:])
        guard status == 0 else { throw TestNginxError("nginx -t failed (\(status)): \(output)") }
        process = try SpawnedProcess(
            executable: Self.binary, arguments: arguments, environment: ["NGINX": "3;"], captureOutput: false,
            inherited: listener.descriptor)
        // nginx holds the socket now; should it die, connections are refused rather than left waiting.
        withExtendedLifetime(listener) {}
    }

    /// The prefix, configuration and error log of the nginx in `directory`.
    private static func arguments(directory: String) -> [String] {
        ["-p", directory, "-c", directory + "/nginx.conf", "-e", directory + "/error.log"]
    }

    /// The access log's lines so far.
    public func accessLog() throws -> [String] {
        let path = directory + "/access.log"
        guard let file = fopen(path, "r") else { throw SystemCallError(call: "fopen \(path)", errno: errno) }
        defer { fclose(file) }
        var lines: [String] = []
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        while getline(&line, &capacity, file) > 0, let line {
            lines.append(String(cString: line).trimmingSuffix("\n"))
        }
        free(line)
        return lines
    }

    /// nginx loses a SIGTERM that lands before its master loop waits for signals (the handler
    /// sets a flag, then the loop sleeps in sigsuspend until the next signal), so the signal is
    /// repeated every 100 ms until it exits, for 10 s before SIGKILL.
    private func stop() {
        var exited = false
        for check in 0..<1000 where !exited {
            if check % 10 == 0 { kill(process.pid, SIGTERM) }
            exited = process.exitStatusIfExited() != nil
            if !exited { usleep(10_000) }
        }
        if !exited {
            kill(process.pid, SIGKILL)
            _ = process.waitForExit()
        }
        _ = try? SpawnedProcess.run("/bin/rm", ["-rf", directory], environment: [:])
    }
}

public struct TestNginxError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
