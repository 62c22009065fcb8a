import CYAML

/// Owns a libyaml parser and the bytes it reads; yields one event at a time.
final class LibYAMLEventReader {
    private var parser = yaml_parser_t()
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private var finished = false

    init(text: String) {
        var utf8 = Array(text.utf8)
        if utf8.isEmpty { utf8 = [0x0A] }
        buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: utf8.count)
        _ = buffer.initialize(from: utf8)
        yaml_parser_initialize(&parser)
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
    }

    deinit {
        yaml_parser_delete(&parser)
        buffer.deallocate()
    }

    /// Parses the next event and hands it to `body`; returns true at the end of the stream.
    func next(_ body: (borrowing LibYAMLEvent) throws(YAMLError) -> Void) throws(YAMLError) -> Bool {
        if finished { return true }
        var raw = yaml_event_t()
        guard yaml_parser_parse(&parser, &raw) == 1 else { throw currentError() }
        defer { yaml_event_delete(&raw) }
        if raw.type == YAML_STREAM_END_EVENT {
            finished = true
            return true
        }
        try body(LibYAMLEvent(raw))
        return false
    }

    private func currentError() -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let context = parser.context.map { String(cString: $0) }
        if parser.error == YAML_READER_ERROR {
            let offset = Int(parser.problem_offset)
            return YAMLError(
                code: .encoding, message: "\(problem) at byte \(offset)",
                mark: Self.mark(forByteOffset: offset, in: buffer), fix: "save the file as UTF-8 text")
        }
        let mark = YAMLMark(parser.problem_mark)
        var message = problem
        if let context {
            let started = YAMLMark(parser.context_mark)
            // A bracket or quote left open: libyaml only notices where the text ends or the next
            // key begins (its problem mark, often the end of the file), so the opening is the
            // place to show, and where libyaml stopped goes in the message.
            if started.line < mark.line, let opener = Self.scalar(at: started, in: buffer), let construct = Unclosed(opener) {
                return YAMLError(
                    code: .syntax,
                    message: "\(construct.name) '\(opener)' opened here is never closed (\(problem) at line \(mark.line), column \(mark.column))",
                    mark: started, fix: construct.fix)
            }
            message = "\(problem) \(context)"
            // Say where the construct that was never finished began.
            if started.line < mark.line { message += " that starts at line \(started.line), column \(started.column)" }
        }
        return YAMLError(code: .syntax, message: message, mark: mark)
    }

    /// The constructs YAML opens with a character and must close with another.
    private enum Unclosed {
        case flowSequence, flowMapping, doubleQuoted, singleQuoted

        init?(_ opener: Unicode.Scalar) {
            switch opener {
            case "[": self = .flowSequence
            case "{": self = .flowMapping
            case "\"": self = .doubleQuoted
            case "'": self = .singleQuoted
            default: return nil
            }
        }

        var name: String {
            switch self {
            case .flowSequence: return "the flow sequence"
            case .flowMapping: return "the flow mapping"
            case .doubleQuoted: return "the double-quoted string"
            case .singleQuoted: return "the single-quoted string"
            }
        }

        var fix: String {
            switch self {
            case .flowSequence: return "close it with ']' (and separate its items with ','), or write one '- item' per line"
            case .flowMapping: return "close it with '}' (and separate its entries with ','), or write one 'key: value' per line"
            case .doubleQuoted: return "close the string with '\"'"
            case .singleQuoted: return "close the string with \"'\" (write '' for a quote inside it)"
            }
        }
    }

    /// The Unicode scalar at a mark's line and column (both 1-based, columns in scalars).
    private static func scalar(at mark: YAMLMark, in bytes: UnsafeMutableBufferPointer<UInt8>) -> Unicode.Scalar? {
        var line = 1
        var start = 0
        if mark.line > 1 {
            for (i, byte) in bytes.enumerated() where byte == 0x0A {
                line += 1
                if line == mark.line {
                    start = i + 1
                    break
                }
            }
            guard line == mark.line else { return nil }
        }
        var scalars = String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self).unicodeScalars.makeIterator()
        for _ in 1..<max(1, mark.column) { guard scalars.next() != nil else { return nil } }
        return scalars.next()
    }

    private static func mark(forByteOffset offset: Int, in bytes: UnsafeMutableBufferPointer<UInt8>) -> YAMLMark {
        var line = 1, column = 1, chars = 0
        for byte in bytes.prefix(offset) {
            if byte & 0xC0 == 0x80 { continue }
            chars += 1
            if byte == 0x0A { line += 1; column = 1 } else { column += 1 }
        }
        return YAMLMark(line: line, column: column, offset: chars)
    }
}

/// One libyaml event, copied into Swift values.
struct LibYAMLEvent: ~Copyable {
    enum Kind {
        case documentStart, documentEnd
        case alias(anchor: String)
        case scalar(value: String, style: YAMLScalarStyle, anchor: String?, tag: String?, plainImplicit: Bool)
        case sequenceStart(anchor: String?, tag: String?)
        case sequenceEnd
        case mappingStart(anchor: String?, tag: String?)
        case mappingEnd
        case other
    }

    let kind: Kind
    let start: YAMLMark
    let end: YAMLMark

    init(_ event: yaml_event_t) {
        start = YAMLMark(event.start_mark)
        end = YAMLMark(event.end_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT: kind = .documentStart
        case YAML_DOCUMENT_END_EVENT: kind = .documentEnd
        case YAML_ALIAS_EVENT:
            kind = .alias(anchor: Self.string(event.data.alias.anchor) ?? "")
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let value = s.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: s.length), as: UTF8.self) } ?? ""
            let style: YAMLScalarStyle
            switch s.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            kind = .scalar(
                value: value, style: style, anchor: Self.string(s.anchor), tag: Self.string(s.tag),
                plainImplicit: s.plain_implicit != 0)
        case YAML_SEQUENCE_START_EVENT:
            kind = .sequenceStart(
                anchor: Self.string(event.data.sequence_start.anchor), tag: Self.string(event.data.sequence_start.tag))
        case YAML_SEQUENCE_END_EVENT: kind = .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            kind = .mappingStart(
                anchor: Self.string(event.data.mapping_start.anchor), tag: Self.string(event.data.mapping_start.tag))
        case YAML_MAPPING_END_EVENT: kind = .mappingEnd
        default: kind = .other
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}
