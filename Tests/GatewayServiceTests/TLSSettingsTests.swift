import GatewayService
import TestCertificates
import Testing

/// The TLS keys: the files are read when the settings load, and each problem names key and file.
@Suite struct TLSSettingsTests {
    private func load(_ flags: [String: [String]]) throws(SettingsError) -> GatewaySettings {
        try SettingsLoader(commandLine: CommandLineSettings(values: flags), environment: [:]).load()
    }

    private func problems(_ flags: [String: [String]]) -> [String] {
        settingsProblems(flags)
    }

    @Test func certificateKeyAndClientCAAreReadWhenTheSettingsLoad() throws {
        let certificates = try TestCertificates()
        let settings = try load([
            "tls-cert": [certificates.serverCertificatePath], "tls-key": [certificates.serverKeyPath],
            "tls-client-ca": [certificates.caPath],
            "admin-tls-cert": [certificates.serverCertificatePath], "admin-tls-key": [certificates.serverKeyPath],
        ])
        let tls = try #require(settings.tls)
        #expect(tls.certificatePath == certificates.serverCertificatePath)
        #expect(tls.certificateChain.count == 1)
        #expect(tls.clientCA?.count == 1)
        #expect(settings.adminTLS?.clientCA == nil)
        _ = try tls.makeServerContext()
        #expect(settings.yamlDescription.contains("\ntls-cert: \"\(certificates.serverCertificatePath)\"\n"))
        #expect(GatewaySettings.defaults.tls == nil && GatewaySettings.defaults.adminTLS == nil)
    }

    @Test func unusableFilesNameTheKeyAndTheFile() throws {
        let certificates = try TestCertificates()
        let notPEM = try certificates.file("not.pem", "hello\n")
        let missing = certificates.directory + "/missing.pem"
        let cert = certificates.serverCertificatePath
        let key = certificates.serverKeyPath
        #expect(problems(["tls-cert": [missing], "tls-key": [key]]) == [
            "tls-cert \(missing) cannot be read: No such file or directory"
        ])
        #expect(problems(["tls-cert": [notPEM], "tls-key": [key]]) == ["tls-cert \(notPEM) holds no PEM certificate"])
        #expect(problems(["tls-cert": [cert], "tls-key": [notPEM]]) == [
            "tls-key \(notPEM) holds no unencrypted PEM private key"
        ])
        #expect(problems(["tls-cert": [cert], "tls-key": [key], "tls-client-ca": [notPEM]]) == [
            "tls-client-ca \(notPEM) holds no PEM certificate"
        ])
        #expect(problems(["admin-tls-cert": [cert], "admin-tls-key": [missing]]) == [
            "admin-tls-key \(missing) cannot be read: No such file or directory"
        ])
        let mismatch = problems(["tls-cert": [cert], "tls-key": [certificates.clientKeyPath]])
        #expect(mismatch.count == 1)
        #expect(mismatch.first?.hasPrefix("tls-key \(certificates.clientKeyPath) does not go with tls-cert \(cert): ") == true)
    }

    @Test func keysThatGoTogetherAreCheckedTogether() throws {
        let certificates = try TestCertificates()
        #expect(problems(["tls-cert": [certificates.serverCertificatePath]]) == [
            "tls-cert and tls-key go together, but tls-key is not set"
        ])
        #expect(problems(["admin-tls-key": [certificates.serverKeyPath]]) == [
            "admin-tls-cert and admin-tls-key go together, but admin-tls-cert is not set"
        ])
        #expect(problems(["tls-client-ca": [certificates.caPath]]) == ["tls-client-ca needs tls-cert and tls-key"])
    }

    @Test func newCertificatesReloadButTurningTLSOnOrOffNeedsARestart() throws {
        let certificates = try TestCertificates()
        let plain = try load([:])
        let tls = try load(["tls-cert": [certificates.serverCertificatePath], "tls-key": [certificates.serverKeyPath]])
        #expect(restartRequired(from: plain, to: tls) == ["tls-cert"])
        #expect(restartRequired(from: tls, to: plain) == ["tls-cert"])
        try certificates.reissueServerCertificateByOtherCA()
        let renewed = try load(["tls-cert": [certificates.serverCertificatePath], "tls-key": [certificates.serverKeyPath]])
        #expect(renewed != tls)
        #expect(restartRequired(from: tls, to: renewed) == [])
        let admin = try load([
            "admin-tls-cert": [certificates.serverCertificatePath], "admin-tls-key": [certificates.serverKeyPath],
        ])
        #expect(restartRequired(from: plain, to: admin) == ["admin-tls-cert"])
    }
}
