import FoundationEssentials
import Hummingbird
import NIOCore

/// The request context of the console: who is asking (set by `AuthMiddleware`), their CSRF
/// token, and a POST's form fields (read by `CSRFMiddleware`).
public struct ConsoleContext: RequestContext {
    /// Hummingbird's own storage.
    public var coreContext: CoreRequestContextStorage
    /// The client's address (nil in router tests).
    public let remoteAddress: SocketAddress?
    /// The logged-in user.
    public var user: String?
    /// The login session's token (nil with `--auth-header`).
    public var sessionToken: String?
    /// The e-mail address a trusted proxy sent (`X-Forwarded-Email`), for commit authors.
    public var proxyEmail: String?
    /// The token every form of this user carries.
    public var csrfToken: String = ""
    /// A POST's form fields.
    public var form: [String: String] = [:]
    /// Files sent with a multipart form.
    var uploads: [String: Upload] = [:]

    /// Creates the context of a request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// Forms are small; a manifest edited in the YAML tab (at most 1 MiB) travels twice.
    public var maxUploadSize: Int { 3 << 20 }

    /// Whether the client is on this host (the only place a trusted proxy may be).
    public var isLoopbackClient: Bool {
        guard let ip = remoteAddress?.ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }

    /// The client address for rate limits.
    public var clientKey: String { remoteAddress?.ipAddress ?? "unknown" }
}
