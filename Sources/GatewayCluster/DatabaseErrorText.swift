import NIOSSL
import PostgresNIO

/// A database error in words: postgres-nio's own descriptions hide the server's message.
enum DatabaseErrorText {
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as PSQLError:
            if let message = error.serverInfo?[.message] {
                let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                return message + state
            }
            return error.underlying.map { "\(error.code): \(describe($0))" } ?? "\(error.code)"
        case let error as NIOSSLExtraError where error == .failedToValidateHostname:
            // NIOSSL's own words name no host when the URL's is an address ("Couldn't find <none>").
            return "the server's certificate does not name the URL's host (sslmode=verify-full checks it)"
        case let error as PostgresTransactionError:
            return (error.beginError ?? error.closureError ?? error.commitError).map(describe) ?? "\(error)"
        default:
            return "\(error)"
        }
    }
}
