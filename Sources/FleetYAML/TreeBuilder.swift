/// Builds node trees from libyaml events, enforcing the limits.
struct TreeBuilder {
    private enum Frame {
        case sequence(items: [YAMLNode], start: YAMLMark, tag: String?, anchor: String?, size: Int)
        case mapping(pairs: [YAMLPair], pendingKey: YAMLNode?, start: YAMLMark, tag: String?, anchor: String?, size: Int)
    }

    let limits: YAMLLimits
    private(set) var documents: [YAMLNode] = []
    private(set) var problems: [YAMLError] = []
    private var stack: [Frame] = []
    private var root: YAMLNode?
    private var anchors: [String: (node: YAMLNode, size: Int)] = [:]
    private var nodeCount = 0
    private var documentStart = YAMLMark(line: 1, column: 1, offset: 0)

    init(limits: YAMLLimits) {
        self.limits = limits
    }

    mutating func handle(_ event: borrowing LibYAMLEvent) throws(YAMLError) {
        switch event.kind {
        case .documentStart:
            root = nil
            anchors = [:]
            documentStart = event.start
        case .documentEnd:
            documents.append(root ?? YAMLNode(content: .scalar("", .plain), start: documentStart, end: event.end))
            root = nil
        case .alias(let anchor):
            guard let target = anchors[anchor] else {
                throw YAMLError(
                    code: .undefinedAlias, message: "alias '*\(anchor)' refers to an anchor that is not defined above it",
                    mark: event.start, fix: "define '&\(anchor)' before using '*\(anchor)'")
            }
            try count(target.size, at: event.start)
            var copy = target.node
            copy.start = event.start
            copy.end = event.end
            try attach(copy, size: target.size)
        case .scalar(let value, let style, let anchor, let tag, _):
            try count(1, at: event.start)
            let node = YAMLNode(content: .scalar(value, style), start: event.start, end: event.end, tag: tag)
            if let anchor { anchors[anchor] = (node, 1) }
            try attach(node, size: 1)
        case .sequenceStart(let anchor, let tag):
            try push(.sequence(items: [], start: event.start, tag: tag, anchor: anchor, size: 1), at: event.start)
        case .mappingStart(let anchor, let tag):
            try push(.mapping(pairs: [], pendingKey: nil, start: event.start, tag: tag, anchor: anchor, size: 1), at: event.start)
        case .sequenceEnd, .mappingEnd:
            guard let frame = stack.popLast() else { return }
            let node: YAMLNode
            let size: Int
            let anchor: String?
            switch frame {
            case .sequence(let items, let start, let tag, let a, let s):
                node = YAMLNode(content: .sequence(items), start: start, end: event.end, tag: tag)
                size = s
                anchor = a
            case .mapping(let pairs, _, let start, let tag, let a, let s):
                node = YAMLNode(content: .mapping(Self.applyingMerges(pairs)), start: start, end: event.end, tag: tag)
                size = s
                anchor = a
            }
            if let anchor { anchors[anchor] = (node, size) }
            try attach(node, size: size)
        case .other:
            break
        }
    }

    private mutating func count(_ n: Int, at mark: YAMLMark) throws(YAMLError) {
        nodeCount += n
        if nodeCount > limits.maxNodes {
            throw YAMLError(
                code: .aliasLimit,
                message: "document expands to more than \(limits.maxNodes) nodes through aliases (a \"billion laughs\" document?)",
                mark: mark, fix: "remove the nested aliases; manifests never need this many nodes")
        }
    }

    private mutating func push(_ frame: Frame, at mark: YAMLMark) throws(YAMLError) {
        if stack.count >= limits.maxDepth {
            throw YAMLError(
                code: .depthLimit, message: "nesting deeper than \(limits.maxDepth) levels", mark: mark,
                fix: "flatten the document")
        }
        try count(1, at: mark)
        stack.append(frame)
    }

    private mutating func attach(_ node: YAMLNode, size: Int) throws(YAMLError) {
        guard let top = stack.popLast() else {
            root = node
            return
        }
        switch top {
        case .sequence(var items, let start, let tag, let anchor, let s):
            items.append(node)
            stack.append(.sequence(items: items, start: start, tag: tag, anchor: anchor, size: s + size))
        case .mapping(var pairs, let pendingKey, let start, let tag, let anchor, let s):
            if let key = pendingKey {
                if let name = key.scalar, name != "<<",
                   let first = pairs.first(where: { $0.key.scalar == name }) {
                    problems.append(YAMLError(
                        code: .duplicateKey,
                        message: "duplicate key '\(name)' (first defined at line \(first.key.start.line))",
                        mark: key.start, fix: "remove one of the two '\(name)' keys"))
                } else {
                    pairs.append(YAMLPair(key: key, value: node))
                }
                stack.append(.mapping(pairs: pairs, pendingKey: nil, start: start, tag: tag, anchor: anchor, size: s + size))
            } else {
                stack.append(.mapping(pairs: pairs, pendingKey: node, start: start, tag: tag, anchor: anchor, size: s + size))
            }
        }
    }

    /// Applies YAML merge keys (`<<: *base` or `<<: [*a, *b]`): explicit keys win.
    private static func applyingMerges(_ pairs: [YAMLPair]) -> [YAMLPair] {
        guard pairs.contains(where: { $0.key.scalar == "<<" && $0.key.scalarStyle == .plain }) else { return pairs }
        var result = pairs.filter { !($0.key.scalar == "<<" && $0.key.scalarStyle == .plain) }
        var present = Set(result.compactMap { $0.key.scalar })
        for pair in pairs where pair.key.scalar == "<<" && pair.key.scalarStyle == .plain {
            let sources: [YAMLNode] = pair.value.sequence ?? [pair.value]
            for source in sources {
                for merged in source.mapping ?? [] {
                    guard let name = merged.key.scalar, !present.contains(name) else { continue }
                    present.insert(name)
                    result.append(merged)
                }
            }
        }
        return result
    }
}
