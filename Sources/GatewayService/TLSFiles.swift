import NIOSSL

/// A listener's certificate chain and private key, and for the gtcp listener the CA bundle
/// client certificates must chain to, read from the PEM files the settings name.
public struct TLSFiles: Sendable, Equatable {
    public var certificatePath: String
    public var keyPath: String
    /// nil: clients need no certificate.
    public var clientCAPath: String?
    public var certificateChain: [NIOSSLCertificate]
    public var privateKey: NIOSSLPrivateKey
    public var clientCA: [NIOSSLCertificate]?

    /// The server side of TLS; with a client CA bundle a client must present a certificate it
    /// signed, or the handshake fails.
    public func makeServerContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: certificateChain.map { .certificate($0) },
            privateKey: .privateKey(privateKey)
        )
        if let clientCA {
            configuration.trustRoots = .certificates(clientCA)
            configuration.certificateVerification = .noHostnameVerification
            configuration.sendCANameList = true
        }
        return try NIOSSLContext(configuration: configuration)
    }
}

/// Reads the PEM files of one listener's TLS keys; every problem names the key and the file.
struct TLSFilesReader {
    let certificateKey: String
    let keyKey: String
    let clientCAKey: String?

    func read(certificate: String?, key: String?, clientCA: String?) throws(SettingProblem) -> TLSFiles? {
        guard let certificate, let key else {
            if certificate != nil || key != nil {
                let missing = certificate == nil ? certificateKey : keyKey
                throw SettingProblem("\(certificateKey) and \(keyKey) go together, but \(missing) is not set")
            }
            if clientCA != nil, let clientCAKey {
                throw SettingProblem("\(clientCAKey) needs \(certificateKey) and \(keyKey)")
            }
            return nil
        }
        var clientCACertificates: [NIOSSLCertificate]?
        if let clientCA, let clientCAKey {
            clientCACertificates = try Self.certificates(clientCAKey, clientCA)
        }
        let files = TLSFiles(
            certificatePath: certificate,
            keyPath: key,
            clientCAPath: clientCA,
            certificateChain: try Self.certificates(certificateKey, certificate),
            privateKey: try Self.privateKey(keyKey, key),
            clientCA: clientCACertificates
        )
        do {
            _ = try files.makeServerContext()
        } catch {
            throw SettingProblem("\(keyKey) \(key) does not go with \(certificateKey) \(certificate): \(error)")
        }
        return files
    }

    /// The PEM certificates in the file `settingKey` names; also how `upstream-ca-file` is checked.
    static func certificates(_ settingKey: String, _ path: String) throws(SettingProblem) -> [NIOSSLCertificate] {
        let text = try contents(settingKey, path)
        guard let certificates = try? NIOSSLCertificate.fromPEMBytes(Array(text.utf8)), !certificates.isEmpty else {
            throw SettingProblem("\(settingKey) \(path) holds no PEM certificate")
        }
        return certificates
    }

    private static func privateKey(_ settingKey: String, _ path: String) throws(SettingProblem) -> NIOSSLPrivateKey {
        let text = try contents(settingKey, path)
        guard let key = try? NIOSSLPrivateKey(bytes: Array(text.utf8), format: .pem) else {
            throw SettingProblem("\(settingKey) \(path) holds no unencrypted PEM private key")
        }
        return key
    }

    private static func contents(_ settingKey: String, _ path: String) throws(SettingProblem) -> String {
        do throws(FileContents.ReadError) {
            return try FileContents.text(atPath: path)
        } catch {
            throw SettingProblem("\(settingKey) \(path) cannot be read: \(error.reason)")
        }
    }
}
