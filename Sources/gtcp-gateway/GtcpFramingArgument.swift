import ArgumentParser
import GtcpWire

/// `--header-size` as the bench subcommands take it.
enum GtcpFramingArgument {
    static func framing(headerSize: Int) throws -> GtcpFraming {
        do {
            return try GtcpFraming(headerSize: headerSize)
        } catch {
            throw ValidationError(error.description)
        }
    }
}
