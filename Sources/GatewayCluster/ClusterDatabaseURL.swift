import Foundation
import SettingsText

/// Where the cluster's PostgreSQL is: `postgres://user@host:5432/database?sslmode=verify-full`.
///
/// The password never appears in the URL (it would show in `ps`, logs and check-config); it comes
/// from `cluster-password-file` or a systemd credential instead.
public struct ClusterDatabaseURL: Sendable, Equatable, CustomStringConvertible {
    /// libpq's `sslmode`s, meaning what they mean there (no `prefer` or `allow`: they fall back to
    /// plain text). The CA is `sslrootcert`, else the system's roots.
    public enum TLSMode: String, Sendable, Equatable {
        case disable
        /// Encrypted, the server's certificate unchecked; but checked as verify-ca's is when
        /// `sslrootcert` names a CA, as libpq does.
        case require
        /// Encrypted, the server's certificate signed by the CA, for any host name.
        case verifyCA = "verify-ca"
        /// Encrypted, the server's certificate signed by the CA and naming the URL's host.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var database: String
    public var tls: TLSMode
    /// PEM file of the CA that signed the server's certificate; nil: the system's roots.
    public var rootCertificatePath: String?

    /// What the URL may hold; says what is wrong otherwise, without repeating any password.
    public init(parsing text: String) throws(ClusterDatabaseURLError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw ClusterDatabaseURLError("must look like postgres://user@host:5432/database")
        }
        guard components.password == nil else {
            throw ClusterDatabaseURLError("must not hold a password: put it in cluster-password-file")
        }
        guard let user = components.user, !user.isEmpty else {
            throw ClusterDatabaseURLError("names no user (postgres://user@host/database)")
        }
        let host = (components.host ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard !host.isEmpty else { throw ClusterDatabaseURLError("names no host") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw ClusterDatabaseURLError("names no database (postgres://user@host/database)")
        }
        var tls = TLSMode.disable
        var rootCertificatePath: String?
        for item in components.queryItems ?? [] {
            switch (item.name, item.value ?? "") {
            case ("sslmode", let mode):
                guard let mode = TLSMode(rawValue: mode) else {
                    throw ClusterDatabaseURLError(
                        "sslmode must be disable, require, verify-ca or verify-full, got \"\(mode)\"")
                }
                tls = mode
            case ("sslrootcert", let path) where !path.isEmpty: rootCertificatePath = path
            case (let name, _):
                throw ClusterDatabaseURLError("has an unknown parameter \"\(name)\" (known: sslmode, sslrootcert)")
            }
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = user
        self.database = database
        self.tls = tls
        self.rootCertificatePath = rootCertificatePath
    }

    /// What to tell an operator whose database is on another host and reached without TLS
    /// (`sslmode` disable, the default); nil otherwise.
    public var plainTextWarning: String? {
        guard tls == .disable, !HostPort(host: host, port: port).isLoopback else { return nil }
        return "cluster-database-url \(self) is reached in plain text (sslmode disable, the default): "
            + "the directory and cluster commands, pushed messages included, cross the network unencrypted; "
            + "add sslmode=verify-full, with sslrootcert=CA.pem unless a system root signed the server's certificate"
    }

    public var description: String {
        let bracketed = host.contains(":") ? "[\(host)]" : host
        var query: [String] = []
        if tls != .disable { query.append("sslmode=\(tls.rawValue)") }
        if let rootCertificatePath { query.append("sslrootcert=\(rootCertificatePath)") }
        return "postgres://\(username)@\(bracketed):\(port)/\(database)"
            + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }
}

public struct ClusterDatabaseURLError: Error, Sendable, Equatable {
    public var reason: String

    init(_ reason: String) {
        self.reason = reason
    }
}
