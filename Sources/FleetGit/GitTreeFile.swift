/// One entry of a commit's tree, with its content when it was read.
public struct GitTreeFile: Sendable, Hashable {
    /// The repo-relative path, '/'-separated, e.g. "fleet/bots/support.yaml".
    public var path: String
    /// What the entry is.
    public var kind: GitEntryKind
    /// The blob size in bytes (the link target's length for symlinks; 0 for submodules).
    public var size: Int
    /// The blob content; nil when not read: symlinks, submodules, or blobs over the size limit.
    public var data: [UInt8]?

    /// Creates a tree file value.
    public init(path: String, kind: GitEntryKind, size: Int, data: [UInt8]?) {
        self.path = path
        self.kind = kind
        self.size = size
        self.data = data
    }
}
