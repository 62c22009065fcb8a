import FoundationEssentials

/// Whether the host's inotify instances cover the gateways it is to run.
///
/// Each OpenClaw gateway watches its config file with chokidar (`src/gateway/config-reload.ts`),
/// which sits on Node's `fs.watch`: one inotify instance per gateway process (libuv makes one
/// per event loop). A user has `fs.inotify.max_user_instances` of them, 128 by default. A gateway
/// past the limit gets `EMFILE` from `fs.watch`; chokidar passes it on as an `error` event (its
/// `_handleError` drops only ENOENT and ENOTDIR), and OpenClaw logs `config watcher error: ...`
/// and closes the watcher: that gateway runs on, and never applies a config change again. fleet's
/// reloads write its config and nothing happens. So plan, apply and the daemon say so before it
/// bites, with the fix.
public struct InotifyInstances: Sendable, Equatable, CustomStringConvertible {
    /// The gateways this host is to run.
    public var gateways: Int
    /// `fs.inotify.max_user_instances`.
    public var limit: Int

    /// Instances left for everything else of the user: fleet's own watch of starting gateways,
    /// the console, a desktop session's watchers.
    public static let headroom = 8

    /// The shortfall for `gateways` gateways, or nil when the host has instances enough (or the
    /// limit cannot be read).
    public static func shortfall(gateways: Int, limit: Int? = readLimit()) -> InotifyInstances? {
        guard let limit, gateways + headroom > limit else { return nil }
        return InotifyInstances(gateways: gateways, limit: limit)
    }

    /// The shortfall for the gateways `desired` runs (enabled, not suspended).
    public static func shortfall(for desired: [DesiredBot], limit: Int? = readLimit()) -> InotifyInstances? {
        shortfall(gateways: desired.filter { $0.enabled && !$0.suspended }.count, limit: limit)
    }

    /// `/proc/sys/fs/inotify/max_user_instances`.
    public static func readLimit() -> Int? {
        ProcFile.text("/proc/sys/fs/inotify/max_user_instances").flatMap { Int($0.prefix { $0.isNumber }) }
    }

    /// A setting that covers them, rounded up to a power of two (at least 1024).
    public var suggested: Int {
        var value = 1024
        while value < 2 * (gateways + Self.headroom) { value *= 2 }
        return value
    }

    public var description: String {
        "\(gateways) gateways on this host and fs.inotify.max_user_instances is \(limit): each OpenClaw gateway's "
            + "config watch holds an inotify instance, and a gateway without one logs `config watcher error: Error: EMFILE` "
            + "and never applies a config change (fleet's reloads do nothing to it)"
    }

    /// How to raise the limit, now and after a reboot.
    public var fix: String {
        "sysctl -w fs.inotify.max_user_instances=\(suggested), and keep it in /etc/sysctl.d/60-fleet.conf"
    }
}
