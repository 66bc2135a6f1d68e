import NIOSSL
import PostgresNIO

extension ClusterConfiguration {
    /// The pool every node keeps to the database.
    func clientConfiguration() -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = tlsConfiguration().map { .require($0) } ?? .disable
        var configuration = PostgresClient.Configuration(
            host: database.host, port: database.port, username: database.username, password: password,
            database: database.database, tls: tls)
        // Short, so an outage shows at once; calls have deadlines of their own.
        configuration.options.connectTimeout = .seconds(3)
        configuration.options.maximumConnections = 8
        return configuration
    }

    /// The single connection a node joins with before its services start.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS =
            try tlsConfiguration().map { .require(try NIOSSLContext(configuration: $0)) } ?? .disable
        var configuration = PostgresConnection.Configuration(
            host: database.host, port: database.port, username: database.username, password: password,
            database: database.database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// What the URL's sslmode checks of the server's certificate; nil: no TLS.
    private func tlsConfiguration() -> TLSConfiguration? {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch database.tls {
        case .disable: return nil
        case .require where database.rootCertificatePath == nil: tls.certificateVerification = .none
        case .require, .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        if let path = database.rootCertificatePath {
            tls.trustRoots = .file(path)
        }
        return tls
    }
}
