import NIOSSL

/// A certificate's subject as one line, the way Go's `pkix.Name.String()` writes it (RFC 4514):
/// most specific attribute first, `CN=sensor-7,OU=Line 2,O=Fleet`.
enum CertificateSubject {
    static func describe(_ certificate: NIOSSLCertificate) -> String {
        // Attributes NIOSSL cannot name (domain components, serial numbers) are left out.
        certificate.subjectName.reversed().compactMap { name in
            shortName(name.type).map { "\($0)=\(escaped(name.value))" }
        }.joined(separator: ",")
    }

    private static func shortName(_ type: SSLCertificateNameType) -> String? {
        switch type {
        case .commonName: "CN"
        case .organization: "O"
        case .organizationalUnit: "OU"
        case .city: "L"
        case .state: "ST"
        case .country: "C"
        case .userId: "UID"
        case .emailAddress: "emailAddress"
        default: nil
        }
    }

    /// RFC 4514 section 2.4: the separators and quotes always, `#` and spaces at the ends.
    private static func escaped(_ value: String) -> String {
        var result = ""
        let characters = Array(value)
        for (index, character) in characters.enumerated() {
            switch character {
            case "\"", "+", ",", ";", "<", ">", "\\":
                result += "\\\(character)"
            case "#" where index == 0, " " where index == 0 || index == characters.count - 1:
                result += "\\\(character)"
            case "\0":
                result += "\\00"
            default:
                result.append(character)
            }
        }
        return result
    }
}
