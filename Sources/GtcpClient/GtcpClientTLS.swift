import NIOSSL

/// TLS for a client connection: which CAs to trust, which certificate to present, which name
/// to expect of the server.
public struct GtcpClientTLS: Sendable {
    public var configuration: TLSConfiguration
    /// Sent in SNI and checked against the server's certificate. nil: the host connected to,
    /// and for an IP address the certificate's IP entries are checked instead.
    public var serverName: String?

    public init(configuration: TLSConfiguration = .makeClientConfiguration(), serverName: String? = nil) {
        self.configuration = configuration
        self.serverName = serverName
    }

    /// From PEM files, as the `client` command's flags name them. No CA file: the system's
    /// trusted CAs; no certificate and key: the client presents none.
    public init(
        trustRootsFile: String? = nil,
        certificateFile: String? = nil,
        keyFile: String? = nil,
        serverName: String? = nil
    ) throws(GtcpClientTLSError) {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let trustRootsFile {
            configuration.trustRoots = .certificates(try Self.certificates(.trustRoots, trustRootsFile))
        }
        if let certificateFile {
            configuration.certificateChain = try Self.certificates(.certificate, certificateFile).map { .certificate($0) }
        }
        if let keyFile {
            do {
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            } catch {
                throw GtcpClientTLSError(file: .key, path: keyFile, reason: "holds no unencrypted PEM private key")
            }
        }
        self.init(configuration: configuration, serverName: serverName)
    }

    private static func certificates(
        _ file: GtcpClientTLSError.File,
        _ path: String
    ) throws(GtcpClientTLSError) -> [NIOSSLCertificate] {
        guard let certificates = try? NIOSSLCertificate.fromPEMFile(path), !certificates.isEmpty else {
            throw GtcpClientTLSError(file: file, path: path, reason: "cannot be read or holds no PEM certificate")
        }
        return certificates
    }
}

public struct GtcpClientTLSError: Error, Equatable, CustomStringConvertible {
    public enum File: Sendable, Equatable {
        case trustRoots, certificate, key
    }

    public var file: File
    public var path: String
    /// `holds no PEM certificate`
    public var reason: String

    public var description: String { "\(path) \(reason)" }
}
