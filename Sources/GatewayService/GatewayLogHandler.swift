#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging

/// Writes each record as one line: plain `2019-05-03 14:59:13.732 message key=value ...`
/// (journal style under journald: `<6>message key=value ...`), or one JSON object.
public struct GatewayLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let format: LogFormat
    private let sharedLevel: SharedLogLevel
    /// Set only when code sets one logger's level; otherwise the shared level applies.
    private var ownLevel: Logger.Level?
    private let output: LogOutput

    public init(
        format: LogFormat, level: SharedLogLevel, output: LogOutput,
        metadataProvider: Logger.MetadataProvider? = nil
    ) {
        self.format = format
        self.sharedLevel = level
        self.output = output
        self.metadataProvider = metadataProvider
    }

    /// Makes this handler every logger's, writing to standard error: call once, first thing.
    public static func bootstrap(
        format: LogFormat, level: SharedLogLevel,
        output: LogOutput = .standardError(environment: ProcessInfo.processInfo.environment)
    ) {
        LoggingSystem.bootstrap { _ in GatewayLogHandler(format: format, level: level, output: output) }
    }

    public var logLevel: Logger.Level {
        get { ownLevel ?? sharedLevel.level }
        set { ownLevel = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, provided in provided }
        }
        if let explicit = event.metadata {
            merged.merge(explicit) { _, explicit in explicit }
        }
        if let error = event.error, merged["error"] == nil {
            merged["error"] = .string(String(describing: error))
        }
        let message = event.message.description
        switch format {
        case .plain:
            output.write(
                LogLine.plain(time: time, level: event.level, message: message, metadata: merged,
                              journal: output.isJournal))
        case .json:
            output.write(LogLine.json(time: time, level: event.level, message: message, metadata: merged))
        }
    }
}
