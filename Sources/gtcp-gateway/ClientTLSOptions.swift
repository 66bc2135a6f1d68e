import ArgumentParser
import GtcpClient

/// The TLS flags of the commands that connect to a gtcp server (`client`, `bench`).
struct ClientTLSOptions: ParsableArguments {
    @Flag(help: "Connect with TLS.")
    var tls = false

    @Option(help: ArgumentHelp("PEM CA bundle to trust instead of the system's (with --tls).", valueName: "file"))
    var tlsCa: String?

    @Option(help: ArgumentHelp("PEM client certificate chain (with --tls and --tls-key).", valueName: "file"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("PEM private key of --tls-cert.", valueName: "file"))
    var tlsKey: String?

    @Option(help: "Name expected in the server's certificate and sent in SNI (default: the host of --connect).")
    var tlsServerName: String?

    func validate() throws {
        if !self.tls, self.tlsCa != nil || self.tlsCert != nil || self.tlsKey != nil || self.tlsServerName != nil {
            throw ValidationError("--tls-ca, --tls-cert, --tls-key and --tls-server-name go with --tls")
        }
        if (self.tlsCert == nil) != (self.tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        _ = try self.clientTLS()
    }

    /// nil without --tls.
    func clientTLS() throws -> GtcpClientTLS? {
        guard self.tls else {
            return nil
        }
        do {
            return try GtcpClientTLS(
                trustRootsFile: self.tlsCa,
                certificateFile: self.tlsCert,
                keyFile: self.tlsKey,
                serverName: self.tlsServerName
            )
        } catch {
            let flag: String
            switch error.file {
            case .trustRoots: flag = "--tls-ca"
            case .certificate: flag = "--tls-cert"
            case .key: flag = "--tls-key"
            }
            throw ValidationError("\(flag) \(error)")
        }
    }
}
