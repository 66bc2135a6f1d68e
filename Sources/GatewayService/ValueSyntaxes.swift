import Foundation
import GatewayCluster
import GatewayUpstream
import Logging
import SettingsText

extension ValueSyntax {
    /// A key that takes one text; `convert` returns nil for anything not allowed.
    static func single(
        _ allowed: String, format: @escaping @Sendable (Value) -> SettingText,
        convert: @escaping @Sendable (String) -> Value?
    ) -> ValueSyntax {
        ValueSyntax(allowed: allowed, isList: false, parse: { key, texts throws(SettingProblem) in
            let text = texts.last ?? ""
            guard let value = convert(text) else { throw .notAllowed(key, allowed, got: text) }
            return value
        }, format: format)
    }
}

extension ValueSyntax where Value == Int {
    static func integer(_ range: ClosedRange<Int>) -> ValueSyntax {
        .single("\(range.lowerBound)..\(range.upperBound)", format: { .single(String($0)) }) { text in
            Int(text).flatMap { range.contains($0) ? $0 : nil }
        }
    }
}

extension ValueSyntax where Value == Int? {
    /// Unset unless given; the key's meaning then comes from another key.
    static func optionalInteger(_ range: ClosedRange<Int>) -> ValueSyntax {
        .single("\(range.lowerBound)..\(range.upperBound)", format: { $0.map { .single(String($0)) } ?? .unset }) {
            text -> Int?? in
            guard let value = Int(text), range.contains(value) else { return nil }
            return .some(value)
        }
    }
}

extension ValueSyntax where Value == String {
    static let text = ValueSyntax.single("any text", format: { .single($0) }) { $0 }
}

extension ValueSyntax where Value == Duration {
    static let duration = ValueSyntax.single(
        "a duration like 500ms, 10s, 2m or 0", format: { .single(DurationText.format($0)) }, convert: DurationText.parse
    )

    static let positiveDuration = ValueSyntax.single(
        "a duration above 0 like 500ms, 10s or 2m", format: { .single(DurationText.format($0)) }
    ) { text in
        DurationText.parse(text).flatMap { $0 > .zero ? $0 : nil }
    }
}

extension ValueSyntax where Value == Duration? {
    /// 0 turns the timer off.
    static let durationOrOff = ValueSyntax.single(
        "a duration like 500ms, 10s, 2m or 0 (off)", format: { .single($0.map(DurationText.format) ?? "0") }
    ) { text in
        DurationText.parse(text).map { $0 == .zero ? nil : $0 }
    }
}

extension ValueSyntax where Value == Bool {
    static let boolean = ValueSyntax.single("true or false", format: { .single(String($0)) }) { text in
        ["true": true, "false": false][text.lowercased()]
    }
}

extension ValueSyntax where Value == HostPort {
    static let hostPort = ValueSyntax.single(
        "host:port like 127.0.0.1:8999 or [::1]:8999 with a port 0..65535", format: { .single($0.description) }
    ) { HostPort(parsing: $0) }
}

extension ValueSyntax where Value == HostPort? {
    static let hostPortOrOff = ValueSyntax.single(
        "host:port like 127.0.0.1:8989 or [::1]:8989 with a port 0..65535, or off",
        format: { .single($0?.description ?? "off") }
    ) { text -> HostPort?? in
        text == "off" ? .some(nil) : HostPort(parsing: text).map { .some($0) }
    }
}

extension ValueSyntax where Value: RawRepresentable & CaseIterable & Sendable, Value.RawValue == String {
    static var oneOf: ValueSyntax {
        let names = Value.allCases.map(\.rawValue)
        let allowed = "one of " + names.joined(separator: ", ")
        return .single(allowed, format: { .single($0.rawValue) }) { Value(rawValue: $0.lowercased()) }
    }
}

extension ValueSyntax where Value == String? {
    /// An upstream URL template; empty means no upstream.
    static let upstreamURL = ValueSyntax.single(
        "an http:// or https:// URL containing {act}", format: { $0.map { .single($0) } ?? .unset }
    ) { text -> String?? in
        if text.isEmpty { return .some(nil) }
        guard text.contains("{act}"), isHTTPURL(text.replacingOccurrences(of: "{act}", with: "act")) else { return nil }
        return .some(text)
    }

    /// Where lifecycle events go; empty means nowhere.
    static let eventsURL = ValueSyntax.single(
        "an http:// or https:// URL", format: { $0.map { .single($0) } ?? .unset }
    ) { text -> String?? in
        if text.isEmpty { return .some(nil) }
        return isHTTPURL(text) ? .some(text) : nil
    }

    private static func isHTTPURL(_ text: String) -> Bool {
        let lowered = text.lowercased()
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://"), let url = URL(string: text),
            let host = url.host, !host.isEmpty
        else { return false }
        return true
    }

    /// A file read when the settings are loaded; empty means none.
    static let path = ValueSyntax.single("a file path", format: { $0.map { .single($0) } ?? .unset }) { text -> String?? in
        .some(text.isEmpty ? nil : text)
    }

    /// A file holding a secret: the value is the file's content, trimmed; empty path means none.
    static let secretFile = ValueSyntax(
        allowed: "a readable file holding the secret", isList: false,
        parse: { key, texts throws(SettingProblem) in
            let path = texts.last ?? ""
            if path.isEmpty { return nil }
            let content: String
            do throws(FileContents.ReadError) {
                content = try FileContents.text(atPath: path)
            } catch {
                throw SettingProblem("\(key) \(path) cannot be read: \(error.reason)")
            }
            let secret = content.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !secret.isEmpty else { throw SettingProblem("\(key) \(path) is empty") }
            return secret
        },
        // Only whether a token is set is ever shown.
        format: { $0 == nil ? .unset : .single("<redacted>") }
    )
}

extension ValueSyntax where Value == String? {
    /// A Unix socket's path; empty means none. The backend may create the socket after the
    /// gateway starts, but a directory that does not exist is a typo.
    static let unixSocketPath = ValueSyntax(
        allowed: unixSocketAllowed, isList: false,
        parse: { key, texts throws(SettingProblem) in
            let path = texts.last ?? ""
            if path.isEmpty { return nil }
            guard path.hasPrefix("/"), path.utf8.count <= UpstreamTransport.maxUnixSocketPathBytes else {
                throw .notAllowed(key, unixSocketAllowed, got: path)
            }
            let slash = path.lastIndex(of: "/")!
            let directory = slash == path.startIndex ? "/" : String(path[..<slash])
            var status = stat()
            guard stat(directory, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR else {
                throw SettingProblem("\(key) \(path): its directory \(directory) does not exist")
            }
            return path
        },
        format: { $0.map { .single($0) } ?? .unset }
    )

    private static let unixSocketAllowed =
        "an absolute path of at most \(UpstreamTransport.maxUnixSocketPathBytes) bytes"

    /// A PEM CA bundle, read now so that a missing or broken file stops start-up; libcurl reads
    /// it again by its path. Empty means none.
    static let caFile = ValueSyntax(
        allowed: "a readable PEM CA bundle", isList: false,
        parse: { key, texts throws(SettingProblem) in
            let path = texts.last ?? ""
            if path.isEmpty { return nil }
            _ = try TLSFilesReader.certificates(key, path)
            return path
        },
        format: { $0.map { .single($0) } ?? .unset }
    )
}

extension ValueSyntax where Value == [UpstreamHeader] {
    /// Extra request headers, each `Name: value`.
    static let headers = ValueSyntax(
        allowed: "\"Name: value\"", isList: true,
        parse: { key, texts throws(SettingProblem) in
            var headers: [UpstreamHeader] = []
            for text in texts {
                guard let header = parseHeader(text) else {
                    throw .notAllowed(key, "\"Name: value\"", got: text)
                }
                headers.append(header)
            }
            return headers
        },
        format: { .list($0.map { "\($0.name): \($0.value)" }) }
    )

    private static func parseHeader(_ text: String) -> UpstreamHeader? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let name = text[..<colon]
        let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        let tokenCharacters = Set("!#$%&'*+-.^_`|~")
        guard !name.isEmpty,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || tokenCharacters.contains($0)) }),
            !value.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" })
        else { return nil }
        return UpstreamHeader(name: String(name), value: value)
    }
}

extension ValueSyntax where Value == ClusterDatabaseURL? {
    /// Empty means no cluster.
    static let clusterDatabaseURL = ValueSyntax(
        allowed: "postgres://user@host:5432/database", isList: false,
        parse: { key, texts throws(SettingProblem) in
            let text = texts.last ?? ""
            if text.isEmpty { return nil }
            do throws(ClusterDatabaseURLError) {
                return try ClusterDatabaseURL(parsing: text)
            } catch {
                // The text is not repeated: a password put in the URL by mistake stays out of logs.
                throw SettingProblem("\(key) \(error.reason)")
            }
        },
        format: { $0.map { .single($0.description) } ?? .unset }
    )
}

extension ValueSyntax where Value == String? {
    /// Letters, digits, `.`, `_` and `-`, as host names are; empty means the host name.
    static let nodeName = ValueSyntax.single(
        "1 to 63 letters, digits, '.', '_' or '-'", format: { $0.map { .single($0) } ?? .unset }
    ) { text -> String?? in
        if text.isEmpty { return .some(nil) }
        return NodeName.isValid(text) ? .some(text) : nil
    }
}

extension ValueSyntax where Value == Duration {
    /// Renewed three times per lease, so under a second would mean constant writes.
    static let leaseDuration = ValueSyntax.single(
        "a duration of at least 1s like 10s or 1m", format: { .single(DurationText.format($0)) }
    ) { text in
        DurationText.parse(text).flatMap { $0 >= .seconds(1) ? $0 : nil }
    }
}

enum NodeName {
    static func isValid(_ name: String) -> Bool {
        (1...63).contains(name.utf8.count)
            && name.utf8.allSatisfy { $0.isASCIILetterOrDigit || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    /// The host name, as `node-name` defaults to it.
    static var hostName: String {
        var buffer = [UInt8](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
    }
}

extension UInt8 {
    fileprivate var isASCIILetterOrDigit: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
    }
}
