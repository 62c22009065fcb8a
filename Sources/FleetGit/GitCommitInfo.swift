import CGit2

/// A commit, copied out of libgit2 into plain Swift values.
public struct GitCommitInfo: Sendable, Hashable {
    /// The full object id: 40 lowercase hex digits.
    public var id: String
    /// A unique abbreviation of `id` in its repository (7 to 12 hex digits, usually 7).
    public var shortId: String
    /// Who wrote the change.
    public var author: GitSignatureInfo
    /// Who committed it.
    public var committer: GitSignatureInfo
    /// The subject line (first paragraph of the message, joined into one line).
    public var summary: String
    /// The full commit message.
    public var message: String

    /// Creates a commit value.
    public init(
        id: String, shortId: String, author: GitSignatureInfo, committer: GitSignatureInfo,
        summary: String, message: String
    ) {
        self.id = id
        self.shortId = shortId
        self.author = author
        self.committer = committer
        self.summary = summary
        self.message = message
    }
}

extension GitCommitInfo {
    /// Copies the facts of a loaded `git_commit *`.
    init(commit: OpaquePointer) {
        let fullId = gitOidString(git_commit_id(commit))
        var shortId = String(fullId.prefix(7))
        var buf = git_buf()
        if git_object_short_id(&buf, commit) == 0, let ptr = buf.ptr {
            shortId = String(cString: ptr)
        }
        git_buf_dispose(&buf)
        self.init(
            id: fullId,
            shortId: shortId,
            author: GitSignatureInfo(git_commit_author(commit)),
            committer: GitSignatureInfo(git_commit_committer(commit)),
            summary: git_commit_summary(commit).map { String(cString: $0) } ?? "",
            message: git_commit_message(commit).map { String(cString: $0) } ?? "")
    }
}

/// The 40-hex-digit text of an object id.
func gitOidString(_ oid: UnsafePointer<git_oid>?) -> String {
    guard let oid else { return String(repeating: "0", count: 40) }
    var chars = [CChar](repeating: 0, count: 40)
    _ = chars.withUnsafeMutableBufferPointer { git_oid_fmt($0.baseAddress, oid) }
    return String(decoding: chars.lazy.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
