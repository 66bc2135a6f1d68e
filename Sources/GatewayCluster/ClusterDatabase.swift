import NIOSSL
import PostgresNIO

extension ClusterConfiguration {
    /// The pool every node keeps to the database.
    func clientConfiguration() throws -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS =
            database.tls == .require ? .require(try tlsConfiguration()) : .disable
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
            database.tls == .require ? .require(try NIOSSLContext(configuration: tlsConfiguration())) : .disable
        var configuration = PostgresConnection.Configuration(
            host: database.host, port: database.port, username: database.username, password: password,
            database: database.database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    private func tlsConfiguration() throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let path = database.rootCertificatePath {
            tls.trustRoots = .file(path)
        }
        return tls
    }
}
