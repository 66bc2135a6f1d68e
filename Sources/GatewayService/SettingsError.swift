/// Everything wrong with the settings, one line each, so one run shows all there is to fix.
public struct SettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [String]

    public init(problems: [String]) {
        self.problems = problems
    }

    public var description: String { problems.joined(separator: "\n") }
}
