import CCurl
import GatewayUpstream
import GtcpWire
import SettingsText

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a transfer ended, as far as the gateway cares; turns into the outcome the client sees.
struct CurlCompletion {
    var code: CURLcode
    /// 0 when no response status line arrived.
    var status: Int
    var body: [UInt8]
    var responseAct: String?
    var bodyExceededLimit: Bool
    /// False when curl never got as far as sending the request (resolving, connecting, TLS).
    var reachedServer: Bool
    /// The errno of a failed connect, 0 when there was none.
    var systemError = 0

    /// The failures that leave the backend untouched, so that even a POST could not have had an
    /// effect: no connection, no name, or a timeout before the request went out.
    var failedBeforeSending: Bool {
        guard !reachedServer else { return false }
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_OPERATION_TIMEDOUT: return true
        default: return false
        }
    }

    func outcome(for request: UpstreamRequest, configuration: UpstreamConfiguration) -> UpstreamOutcome {
        if bodyExceededLimit {
            return .failed(status: status, error: "upstream response too large")
        }
        switch code {
        case CURLE_OK:
            switch status {
            case 204:
                return .noReply
            case 200..<300:
                // The act goes to the client as a client's act would come from it: same rules.
                if let responseAct, let problem = ActName.validationError(responseAct) {
                    return .failed(status: status, error: "upstream's X-Gtcp-Act header is not a valid act: \(problem)")
                }
                return .reply(act: responseAct ?? request.act, data: String(decoding: body, as: UTF8.self))
            default:
                return .failed(status: status, error: "upstream answered HTTP \(status)")
            }
        case CURLE_OPERATION_TIMEDOUT:
            // curl reports both timeouts with one code; the connect one fires first when shorter.
            if !reachedServer && configuration.connectTimeout < configuration.timeout {
                return .failed(
                    status: nil,
                    error: "upstream connect timed out after \(DurationText.describe(configuration.connectTimeout))")
            }
            return .failed(status: nil, error: "upstream timed out after \(DurationText.describe(configuration.timeout))")
        case CURLE_COULDNT_CONNECT:
            if let socket = configuration.transport.unixSocketPath {
                let reason = systemError == 0 ? "cannot connect" : String(cString: strerror(Int32(systemError)))
                return .failed(status: nil, error: "upstream unix socket \(socket): \(reason)")
            }
            return .failed(status: nil, error: "upstream refused the connection")
        // A backend that does not speak HTTP/2 answers the connection preface with HTTP/1.1 or
        // closes: curl reports that as broken HTTP/2 framing, or as an answer that is not HTTP.
        case _
        where configuration.transport.httpVersion == .http2PriorKnowledge && Self.notHTTP2Errors.contains(code.rawValue):
            return .failed(
                status: nil,
                error: "upstream did not answer in HTTP/2 (upstream-http-version 2-prior-knowledge needs a backend "
                    + "that speaks HTTP/2 without negotiating it): \(Self.describe(code))")
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE:
            return .failed(
                status: nil, error: "upstream TLS failure: \(Self.describe(code, trusting: configuration.transport))")
        // curl's name for a reply without an HTTP status line, or with a status beyond 999.
        case CURLE_UNSUPPORTED_PROTOCOL where reachedServer, CURLE_WEIRD_SERVER_REPLY:
            return .failed(status: nil, error: "upstream's reply is not HTTP (no status line, or a status beyond 999)")
        case CURLE_COULDNT_RESOLVE_HOST:
            return .failed(status: nil, error: "upstream host not found")
        case _ where Self.tlsErrors.contains(code.rawValue):
            return .failed(status: nil, error: "upstream TLS failure: \(Self.describe(code))")
        default:
            return .failed(status: nil, error: "upstream request failed: \(Self.describe(code))")
        }
    }

    static func describe(_ code: CURLcode) -> String {
        String(cString: curl_easy_strerror(code))
    }

    /// As `describe`, but a certificate not trusted, or CAs that cannot be used, name the CAs
    /// `transport` trusts: curl's own words say neither which nor where.
    static func describe(_ code: CURLcode, trusting transport: UpstreamTransport) -> String {
        switch code {
        case CURLE_PEER_FAILED_VERIFICATION: "its certificate is not trusted by \(transport.trustedCAs)"
        case CURLE_SSL_CACERT_BADFILE: "\(transport.trustedCAs) cannot be used"
        default: describe(code)
        }
    }

    private static let notHTTP2Errors = Set<CURLcode.RawValue>([
        CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_WEIRD_SERVER_REPLY, CURLE_GOT_NOTHING, CURLE_RECV_ERROR,
    ].map(\.rawValue))

    private static let tlsErrors = Set<CURLcode.RawValue>([
        CURLE_SSL_CONNECT_ERROR, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
        CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_PEER_FAILED_VERIFICATION,
        CURLE_USE_SSL_FAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CACERT_BADFILE,
        CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
        CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT,
    ].map(\.rawValue))
}

extension UpstreamTransport {
    /// Whom an https:// server's certificate must chain to, as an error names it.
    fileprivate var trustedCAs: String {
        caFile.map { "upstream-ca-file \($0)" } ?? "the system's CA bundle"
    }
}
