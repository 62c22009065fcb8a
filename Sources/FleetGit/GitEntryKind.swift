/// What a tree entry is, from its git file mode.
public enum GitEntryKind: Sendable, Hashable {
    /// A regular file (mode 100644).
    case blob
    /// An executable file (mode 100755).
    case executable
    /// A symbolic link (mode 120000); its blob holds the link target.
    case symlink
    /// A submodule gitlink (mode 160000); it points at a commit of another repository.
    case submodule
    /// A directory (mode 040000).
    case tree
}
