import Foundation
import GatewayTestSupport

/// Certificates made for one test with the openssl command, in a scratch directory removed when
/// the value goes away, so no key is ever committed.
///
/// One CA signs the server certificate (for 127.0.0.1 and localhost), an expired server
/// certificate and a client certificate; a second CA with the same name signs another client
/// certificate, which the first CA's bundle must refuse.
public final class TestCertificates: Sendable {
    public let directory: String

    public var caPath: String { directory + "/ca.pem" }
    public var serverCertificatePath: String { directory + "/server.pem" }
    public var serverKeyPath: String { directory + "/server.key" }
    public var expiredServerCertificatePath: String { directory + "/expired.pem" }
    public var clientCertificatePath: String { directory + "/client.pem" }
    public var clientKeyPath: String { directory + "/client.key" }
    public var otherCAPath: String { directory + "/other-ca.pem" }
    public var otherClientCertificatePath: String { directory + "/other-client.pem" }
    public var otherClientKeyPath: String { directory + "/other-client.key" }
    public var databaseCertificatePath: String { directory + "/database.pem" }
    public var databaseKeyPath: String { directory + "/database.key" }

    /// As the gateway shows it: most specific first.
    public static let clientSubject = "CN=sensor-7,OU=Line 2\\, East,O=Fleet"

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gtcp-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try makeCA("ca")
        try makeCA("other-ca")
        try makeLeaf("server", subject: "/CN=localhost", signedBy: "ca", days: 2, serial: 2,
            extensions: "subjectAltName=IP:127.0.0.1,DNS:localhost")
        // -days -1 ends the validity a day before it starts: expired since yesterday.
        try run(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "3",
            "-days", "-1", "-extfile", "server.ext", "-out", "expired.pem"])
        try makeLeaf("client", subject: "/O=Fleet/OU=Line 2, East/CN=sensor-7", signedBy: "ca", days: 2, serial: 4)
        try makeLeaf("other-client", subject: "/O=Fleet/CN=intruder", signedBy: "other-ca", days: 2, serial: 5)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A file in the scratch directory, e.g. a broken certificate.
    public func file(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Replaces the server certificate and key with a pair the other CA signed, so a client can
    /// tell which one a server presents by which CA it trusts.
    public func reissueServerCertificateByOtherCA() throws {
        try makeLeaf("server", subject: "/CN=localhost", signedBy: "other-ca", days: 2, serial: 6,
            extensions: "subjectAltName=IP:127.0.0.1,DNS:localhost")
    }

    /// Has the CA sign a server certificate for the DNS name database.test alone, no address: one
    /// a client that checks host names refuses at 127.0.0.1.
    public func issueDatabaseCertificate() throws {
        try makeLeaf("database", subject: "/CN=database.test", signedBy: "ca", days: 2, serial: 7,
            extensions: "subjectAltName=DNS:database.test")
    }

    private func makeCA(_ name: String) throws {
        try run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "\(name).key", "-out", "\(name).pem", "-subj", "/CN=gtcp test CA", "-days", "2",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"])
    }

    private func makeLeaf(
        _ name: String, subject: String, signedBy ca: String, days: Int, serial: Int, extensions: String? = nil
    ) throws {
        try run(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject])
        var signing = ["x509", "-req", "-in", "\(name).csr", "-CA", "\(ca).pem", "-CAkey", "\(ca).key",
            "-set_serial", String(serial), "-days", String(days), "-out", "\(name).pem"]
        if let extensions {
            _ = try file("\(name).ext", extensions + "\n")
            signing += ["-extfile", "\(name).ext"]
        }
        try run(signing)
    }

    private func run(_ arguments: [String]) throws {
        let (status, output) = try SpawnedProcess.run(
            "/usr/bin/env", ["openssl"] + arguments, environment: ProcessInfo.processInfo.environment,
            workingDirectory: directory)
        guard status == 0 else {
            throw OpenSSLFailed(arguments: arguments, output: output)
        }
    }
}

public struct OpenSSLFailed: Error, CustomStringConvertible {
    public var arguments: [String]
    public var output: String

    public var description: String { "openssl \(arguments.joined(separator: " ")) failed: \(output)" }
}
