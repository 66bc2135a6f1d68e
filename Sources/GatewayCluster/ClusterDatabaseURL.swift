import Foundation

/// Where the cluster's PostgreSQL is: `postgres://user@host:5432/database?sslmode=require`.
///
/// The password never appears in the URL (it would show in `ps`, logs and check-config); it comes
/// from `cluster-password-file` or a systemd credential instead.
public struct ClusterDatabaseURL: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, Equatable {
        case disable
        /// TLS, the server's certificate verified against the system's roots or `sslrootcert`.
        case require
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
            case ("sslmode", "disable"): tls = .disable
            case ("sslmode", "require"), ("sslmode", "verify-full"): tls = .require
            case ("sslmode", let mode):
                throw ClusterDatabaseURLError("sslmode must be disable, require or verify-full, got \"\(mode)\"")
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

    public var description: String {
        let bracketed = host.contains(":") ? "[\(host)]" : host
        var query: [String] = []
        if tls == .require { query.append("sslmode=require") }
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
