import Foundation
import Glibc
import OpenClawConfig
import Testing

@Suite struct GatewayLifecycleTests {
    func readyz(_ port: Int) -> JSONValue? { HTTPProbe.request(port: port, path: "/readyz")?.json }

    /// SIGTERM: a clean exit (status 0, the shutdown line, the port closed). How fast is a
    /// figure for a benchmark, not a bound a loaded machine could break.
    @Test func sigtermExitsCleanly() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        let sim = try await startGateway(sandbox, port: port)
        sim.signal(SIGTERM)
        let status = await sim.waitForExit()
        #expect(status == 0)
        #expect(sim.stdout.contains("[gateway] signal SIGTERM received; shutting down"))
        #expect(HTTPProbe.request(port: port, path: "/healthz") == nil)
    }

    @Test func sigintExitsCleanly() async throws {
        let sandbox = SimSandbox()
        let sim = try await startGateway(sandbox, port: Ports.free())
        sim.signal(SIGINT)
        #expect(await sim.waitForExit() == 0)
    }

    @Test func hotEditIsAppliedInPlace() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        let sim = try await startGateway(sandbox, port: port)
        defer { sim.signal(SIGKILL) }
        let before = try #require(readyz(port))
        #expect(before["configHash"]?.stringValue == sandbox.configHash)

        sandbox.writeStandardConfig(port: port, telegramToken: "456:def", extra: "session: { dmScope: \"per-peer\" },")
        let expected = sandbox.configHash
        #expect(await eventually { readyz(port)?["configHash"]?.stringValue == expected })
        let after = try #require(readyz(port))
        #expect(after["pid"] == before["pid"])
        #expect(after["ready"] == .bool(true))
        #expect(await eventually { sim.stdout.contains("[gateway/reload] config hot reload applied (channels.telegram.botToken, session)") })
    }

    /// The config is watched as OpenClaw's chokidar watches it on Linux: an inotify watch (of the
    /// config's directory), not a timer that `stat`s the file (src/gateway/config-reload.ts).
    @Test func theConfigIsWatchedWithInotify() async throws {
        let sandbox = SimSandbox()
        let sim = try await startGateway(sandbox, port: Ports.free())
        defer { sim.signal(SIGKILL) }
        var directory = stat()
        #expect(stat(sandbox.root, &directory) == 0)
        // /proc/PID/fdinfo of an inotify descriptor lists its watches: "inotify wd:1 ino:<hex> ...".
        let fds = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(sim.pid)/fd")
        let watches = fds.filter {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(sim.pid)/fd/\($0)")) == "anon_inode:inotify"
        }.flatMap { fd in
            ((try? String(contentsOfFile: "/proc/\(sim.pid)/fdinfo/\(fd)", encoding: .utf8)) ?? "")
                .split(separator: "\n").filter { $0.hasPrefix("inotify ") }
        }
        let inode = "ino:" + String(UInt64(directory.st_ino), radix: 16)
        #expect(watches.contains { $0.split(separator: " ").contains(Substring(inode)) }, "\(watches)")
    }

    /// A user namespace whose inotify instances are all taken (none allowed): as a host's 129th
    /// gateway of one user finds it with the default `fs.inotify.max_user_instances`.
    static let noInotify = ["/usr/bin/unshare", "--user", "--map-root-user", "/bin/sh", "-c",
                            "echo 0 > /proc/sys/user/max_inotify_instances && exec \"$0\" \"$@\""]
    static var userNamespaces: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")
            && system("/usr/bin/unshare --user --map-root-user /bin/true 2>/dev/null") == 0
    }

    /// Without an inotify instance OpenClaw's config watch fails once, is closed, and the gateway
    /// never reads its config again (chokidar's `error` event; src/gateway/config-reload.ts logs
    /// it and closes the watcher): no fallback that would hide it.
    @Test(.enabled(if: userNamespaces, "needs unshare --user")) func aGatewayWithoutAnInotifyInstanceNeverReloads() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        sandbox.writeStandardConfig(port: port)
        let sim = try SimProcess(["gateway", "run"], sandbox: sandbox, wrapper: Self.noInotify)
        defer { sim.signal(SIGKILL) }
        #expect(await eventually { HTTPProbe.request(port: port, path: "/healthz")?.status == 200 }, "\(sim.stderr)")
        let message = "[gateway/reload] config watcher error: Error: EMFILE: too many open files, watch '\(sandbox.configPath)'"
        #expect(await eventually { sim.stdout.contains(message) }, "\(sim.stdout)")
        let before = try #require(readyz(port)?["configHash"]?.stringValue)

        // An edit that a watching gateway applies in place: this one never reads it. A second,
        // watching gateway is given the same edit after it, so the wait below lasts as long as a
        // reload takes, not a guess.
        let watching = SimSandbox()
        let otherPort = Ports.free()
        let other = try await startGateway(watching, port: otherPort)
        defer { other.signal(SIGKILL) }
        sandbox.writeStandardConfig(port: port, telegramToken: "456:def")
        watching.writeStandardConfig(port: otherPort, telegramToken: "456:def")
        #expect(await eventually { other.stdout.contains("config hot reload applied") }, "\(other.stdout)")
        #expect(readyz(port)?["configHash"]?.stringValue == before)
        #expect(!sim.stdout.contains("config hot reload applied"))
    }

    @Test func invalidEditIsRejectedAndOldConfigKept() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        let sim = try await startGateway(sandbox, port: port)
        defer { sim.signal(SIGKILL) }
        let original = sandbox.configHash
        sandbox.writeConfig(#"{ gateway: { mode: "local", port: \#(port), bogus: true } }"#)
        #expect(await eventually { sim.stdout.contains("config reload rejected") })
        #expect(sim.stdout.contains(#"Unrecognized key "bogus" at gateway.bogus"#))
        #expect(readyz(port)?["configHash"]?.stringValue == original)
        #expect(HTTPProbe.request(port: port, path: "/healthz")?.status == 200)
        // Rejections go to the log file at error level too.
        #expect(sandbox.read(sandbox.logPath).contains(#""logLevelName":"ERROR""#))
    }

    @Test func restartClassEditIsLoggedAndNotApplied() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        let sim = try await startGateway(sandbox, port: port)
        defer { sim.signal(SIGKILL) }
        let original = sandbox.configHash
        sandbox.writeStandardConfig(port: port + 1)
        #expect(await eventually { sim.stdout.contains("[gateway/reload] config change requires gateway restart (gateway.port)") })
        #expect(readyz(port)?["configHash"]?.stringValue == original)
    }

    @Test func sighupEndsTheGatewayAsNodesDefaultDoes() async throws {
        // OpenClaw's run loop listens for SIGTERM, SIGINT and SIGUSR1 only (src/cli/gateway-cli/run-loop.ts).
        let sandbox = SimSandbox()
        let port = Ports.free()
        let sim = try await startGateway(sandbox, port: port)
        defer { sim.signal(SIGKILL) }
        sim.signal(SIGHUP)
        #expect(await sim.waitForExit() == SIGHUP, "ended by the signal")
        #expect(!sim.stdout.contains("reloading config"))
    }

    @Test func whatsAppLoginLinksAccount() async throws {
        let sandbox = SimSandbox()
        let port = Ports.free()
        sandbox.writeStandardConfig(port: port, extra: "")
        sandbox.writeConfig(sandbox.read(sandbox.configPath)
            .replacingOccurrences(of: "channels: {", with: "channels: { whatsapp: { accounts: { biz: {} } },"))
        let sim = try await startGateway(sandbox, port: port, writeConfig: false)
        defer { sim.signal(SIGKILL) }
        // Not linked yet: not configured, so the gateway does not start it (and readiness does not count it).
        #expect(await eventually { readyz(port)?["ready"] == .bool(true) })
        let login = try SimProcess(["channels", "login", "--channel", "whatsapp", "--account", "biz"], sandbox: sandbox,
                                   env: ["OPENCLAW_SIM_LOGIN_DELAY_MS": "50"])
        #expect(await login.waitForExit() == 0)
        #expect(login.stdout.contains("enter code: "))
        #expect(FileManager.default.fileExists(atPath: sandbox.stateDir + "/credentials/whatsapp/biz/creds.json"))
        // 2026.4: the running gateway notices the link itself.
        #expect(await eventually { sim.stdout.contains("[gateway/channels/whatsapp] [biz] starting provider") })
    }
}
