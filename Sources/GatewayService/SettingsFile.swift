import GatewayUpstream
import Yams

/// The settings a YAML or JSON file gives (JSON is YAML), by key name, and what is wrong with it.
struct SettingsFile {
    var values: [String: [String]] = [:]
    var routes = UpstreamRoutes()
    var problems: [String] = []

    init(path: String) {
        let text: String
        do {
            text = try FileContents.text(atPath: path)
        } catch {
            problems.append("cannot read config file \(path): \(error.reason)")
            return
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            problems.append("config file \(path) is not valid YAML: \(Self.describe(error))")
            return
        }
        guard let root, root.null == nil else { return }  // an empty file sets nothing
        guard let mapping = root.mapping else {
            problems.append("config file \(path) must be a mapping of setting keys like \"listen: 127.0.0.1:8999\"")
            return
        }
        for (keyNode, valueNode) in mapping {
            let place = "\(path):\(keyNode.mark.map { "\($0.line):" } ?? "")"
            if keyNode.scalar?.string == RouteSettings.key {
                if valueNode.null != nil { continue }
                let parsed = RouteSettings.parse(valueNode, place: place)
                routes = parsed.routes
                problems += parsed.problems
                continue
            }
            guard let name = keyNode.scalar?.string, let key = SettingKeys.byName[name] else {
                let name = keyNode.scalar?.string ?? "\(keyNode)"
                let hint = NearestName.to(name, among: SettingKeys.names + [RouteSettings.key]).map { " (did you mean \"\($0)\"?)" } ?? ""
                problems.append("\(place) unknown key \(SettingProblem.quoted(name))\(hint)")
                continue
            }
            if valueNode.null != nil { continue }  // null: the key is left to the defaults
            switch valueNode {
            case .scalar(let scalar):
                values[name] = [scalar.string]
            case .sequence(let sequence) where key.isList:
                let texts = sequence.compactMap { $0.null == nil ? $0.scalar?.string : nil }
                guard texts.count == sequence.count else {
                    problems.append("\(place) \(name) must be a list of texts")
                    continue
                }
                values[name] = texts
            default:
                let takes = key.isList ? "a text or a list of texts" : "a single value"
                problems.append("\(place) \(name) must be \(takes)")
            }
        }
    }

    /// Yams' descriptions carry a snippet over several lines; keep the place and the problem.
    private static func describe(_ error: any Error) -> String {
        switch error as? YamlError {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return "line \(mark.line), column \(mark.column): \(context.map { "\($0.text) " } ?? "")\(problem)"
        case .duplicatedKeysInMapping(let duplicates, _):
            return "duplicate keys " + duplicates.joined(separator: ", ")
        default:
            return String(describing: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
        }
    }
}
