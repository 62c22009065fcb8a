/// Builds node trees from libyaml events, enforcing the limits.
struct TreeBuilder {
    /// An open collection. A struct (not an enum with payloads) so that appending to the top
    /// frame mutates its array in place instead of copying it on every child.
    private struct Frame {
        var isMapping: Bool
        var items: [YAMLNode] = []
        var pairs: [YAMLPair] = []
        var pendingKey: YAMLNode?
        var start: YAMLMark
        var tag: String?
        var anchor: String?
        var size = 1
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
            try push(Frame(isMapping: false, start: event.start, tag: tag, anchor: anchor), at: event.start)
        case .mappingStart(let anchor, let tag):
            try push(Frame(isMapping: true, start: event.start, tag: tag, anchor: anchor), at: event.start)
        case .sequenceEnd, .mappingEnd:
            guard let frame = stack.popLast() else { return }
            let content: YAMLNode.Content = frame.isMapping ? .mapping(Self.applyingMerges(frame.pairs)) : .sequence(frame.items)
            let node = YAMLNode(content: content, start: frame.start, end: event.end, tag: frame.tag)
            if let anchor = frame.anchor { anchors[anchor] = (node, frame.size) }
            try attach(node, size: frame.size)
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
        let top = stack.count - 1
        guard top >= 0 else {
            root = node
            return
        }
        stack[top].size += size
        guard stack[top].isMapping else {
            stack[top].items.append(node)
            return
        }
        guard let key = stack[top].pendingKey else {
            stack[top].pendingKey = node
            return
        }
        stack[top].pendingKey = nil
        if let name = key.scalar, name != "<<",
           let first = stack[top].pairs.first(where: { $0.key.scalar == name }) {
            problems.append(YAMLError(
                code: .duplicateKey,
                message: "duplicate key '\(name)' (first defined at line \(first.key.start.line))",
                mark: key.start, fix: "remove one of the two '\(name)' keys"))
        } else {
            stack[top].pairs.append(YAMLPair(key: key, value: node))
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
