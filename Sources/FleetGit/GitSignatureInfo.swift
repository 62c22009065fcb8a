import CGit2
import FoundationEssentials
import Glibc

/// Who made a commit (author or committer), and when.
public struct GitSignatureInfo: Sendable, Hashable {
    /// The person's name, e.g. "Ada Lovelace".
    public var name: String
    /// The person's e-mail address.
    public var email: String
    /// The instant of the signature.
    public var time: Date
    /// The signer's UTC offset in minutes at `time` (e.g. 120 for +0200, -300 for -0500).
    public var offsetMinutes: Int

    /// Creates a signature value.
    public init(name: String, email: String, time: Date, offsetMinutes: Int = 0) {
        self.name = name
        self.email = email
        self.time = time
        self.offsetMinutes = offsetMinutes
    }

    /// The signer's time zone as a fixed offset from GMT.
    public var timeZone: TimeZone? { TimeZone(secondsFromGMT: offsetMinutes * 60) }
}

extension GitSignatureInfo {
    /// Copies a libgit2 `git_signature`; an absent signature becomes empty fields at the epoch.
    init(_ signature: UnsafePointer<git_signature>?) {
        guard let sig = signature?.pointee else {
            self.init(name: "", email: "", time: Date(timeIntervalSince1970: 0))
            return
        }
        self.init(
            name: sig.name.map { String(cString: $0) } ?? "",
            email: sig.email.map { String(cString: $0) } ?? "",
            time: Date(timeIntervalSince1970: TimeInterval(sig.when.time)),
            offsetMinutes: Int(sig.when.offset))
    }
}
