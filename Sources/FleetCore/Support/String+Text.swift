#if canImport(Glibc)
import Glibc
#endif

/// Small text helpers fleet needs from its strings. fleet links FoundationEssentials only (not
/// Foundation, whose ICU costs a long-running daemon ~12 MB of resident memory), so the few
/// Foundation `NSString` conveniences it used live here under their own names.
extension StringProtocol {
    /// Without leading and trailing white space (spaces, tabs, carriage returns, newlines).
    package var trimmed: String {
        var slice = self[...]
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }

    /// Padded on the right with spaces to `width` characters (or cut to `width` when longer, as
    /// `NSString.padding(toLength:withPad:startingAt:)` does).
    package func padded(to width: Int) -> String {
        let count = self.count
        if count >= width { return String(prefix(width)) }
        return String(self) + String(repeating: " ", count: width - count)
    }

    /// Up to (not including) the last `/`: the directory of a path (empty for a bare name, `"/"`
    /// for a file at the root).
    package var deletingLastPathComponent: String {
        let path = String(self)
        guard let slash = path.lastIndex(of: "/") else { return "" }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// After the last `/`: the file name of a path.
    package var lastPathComponent: String {
        let path = String(self)
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}

extension Double {
    /// The number with exactly `digits` digits after the point (`String(format: "%.Nf")`).
    package func fixed(_ digits: Int) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let written = buffer.withUnsafeMutableBufferPointer { out in
            withVaList([self]) { vsnprintf(out.baseAddress, out.count, "%.\(digits)f", $0) }
        }
        guard written >= 0 else { return String(self) }
        return String(decoding: buffer.prefix(Int(written)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
