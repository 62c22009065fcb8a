import OpenClawConfig

/// The gateway's listening address and auth, resolved from flags, environment and config with
/// OpenClaw's precedence.
struct GatewaySettings: Equatable {
    var port: Int
    var bindMode: String
    var host: String
    var authMode: String
    var token: String?
    var password: String?
    /// Whether the token/password came from the config (and so may rotate on hot reload).
    var secretFromConfig: Bool

    /// `ws://127.0.0.1:18789`.
    var wsURL: String {
        host.contains(":") ? "ws://[\(host)]:\(port)" : "ws://\(host):\(port)"
    }

    var isLoopbackHost: Bool { BindHosts.isLoopback(host) }

    /// Resolves the settings, refusing the combinations the real gateway refuses.
    static func resolve(options: GatewayOptions, config: JSONValue, release: OpenClawRelease) throws(StartupRefusal) -> GatewaySettings {
        let gateway = config["gateway"]

        // Port: --port, OPENCLAW_GATEWAY_PORT, gateway.port, 18789.
        var port = 18_789
        if let p = options.port {
            port = p
        } else if let raw = FileSystem.env("OPENCLAW_GATEWAY_PORT"), !raw.isEmpty {
            guard let p = Int(raw), (1...65_535).contains(p) else {
                throw StartupRefusal("invalid OPENCLAW_GATEWAY_PORT \"\(raw)\" (expected 1-65535)")
            }
            port = p
        } else if let p = gateway?["port"]?.intValue {
            guard (1...65_535).contains(p) else { throw StartupRefusal("invalid gateway.port \(p) (expected 1-65535)") }
            port = Int(p)
        }

        // Bind: --bind, gateway.bind, loopback; the address as OpenClaw resolves it: a custom host
        // that is not an IPv4 address this machine can bind falls back to 0.0.0.0, and tailnet
        // (no Tailscale here) to loopback (OpenClaw: src/gateway/net.ts, resolveGatewayBindHost).
        let bindMode = options.bind ?? gateway?["bind"]?.stringValue ?? "loopback"
        guard CommandLineParser.bindModes.contains(bindMode) else {
            throw StartupRefusal("invalid gateway.bind \"\(bindMode)\" (use loopback|lan|tailnet|auto|custom)")
        }
        let host = OpenClawReleaseTable.value(.bindHosts, for: release).listenHost(
            bind: bindMode, customBindHost: gateway?["customBindHost"]?.stringValue, tailnetIPv4: nil,
            canBind: Listener.canBind)

        // Secrets: flag, environment, config.
        let auth = gateway?["auth"]
        var secretFromConfig = false
        var token = options.token ?? FileSystem.env("OPENCLAW_GATEWAY_TOKEN").flatMap { $0.isEmpty ? nil : $0 }
        if token == nil, let t = try SecretResolver.resolve(auth?["token"], path: "gateway.auth.token", providers: config["secrets"]?["providers"]) {
            token = t
            secretFromConfig = true
        }
        var password = options.password ?? FileSystem.env("OPENCLAW_GATEWAY_PASSWORD").flatMap { $0.isEmpty ? nil : $0 }
        if password == nil, let p = try SecretResolver.resolve(auth?["password"], path: "gateway.auth.password", providers: config["secrets"]?["providers"]) {
            password = p
            secretFromConfig = true
        }

        // Auth mode: --auth, gateway.auth.mode, token if a token is set, password if one is set, none.
        let authMode = options.auth ?? auth?["mode"]?.stringValue
            ?? (token != nil ? "token" : (password != nil ? "password" : "none"))
        switch authMode {
        case "token":
            guard token != nil else {
                throw StartupRefusal("gateway auth mode is \"token\" but no token is configured (set gateway.auth.token, OPENCLAW_GATEWAY_TOKEN or --token)")
            }
        case "password":
            guard password != nil else {
                throw StartupRefusal("gateway auth mode is \"password\" but no password is configured (set gateway.auth.password, OPENCLAW_GATEWAY_PASSWORD or --password)")
            }
        case "none", "trusted-proxy":
            break
        default:
            throw StartupRefusal("invalid gateway.auth.mode \"\(authMode)\" (use none|token|password|trusted-proxy)")
        }

        let settings = GatewaySettings(
            port: port, bindMode: bindMode, host: host, authMode: authMode,
            token: authMode == "token" ? token : nil, password: authMode == "password" ? password : nil,
            secretFromConfig: secretFromConfig)
        if authMode == "none" && !settings.isLoopbackHost {
            throw StartupRefusal("refusing to bind gateway to \(host):\(port) (bind=\(bindMode)) without auth; set gateway.auth.mode to \"token\" with a token (or --auth token --token <token>), or use --bind loopback")
        }
        // A Control UI served beyond loopback must name the browser origins it admits, or be off
        // (OpenClaw: src/gateway/server-runtime-config.ts).
        let controlUi = gateway?["controlUi"]
        if OpenClawReleaseTable.value(.nonLoopbackControlUi, for: release), !settings.isLoopbackHost,
           controlUi?["enabled"]?.boolValue ?? true,
           (controlUi?["allowedOrigins"]?.arrayValue ?? []).isEmpty,
           controlUi?["dangerouslyAllowHostHeaderOriginFallback"]?.boolValue != true {
            throw StartupRefusal("non-loopback Control UI requires gateway.controlUi.allowedOrigins (set explicit origins), or set gateway.controlUi.dangerouslyAllowHostHeaderOriginFallback=true to use Host-header origin fallback mode")
        }
        return settings
    }

    /// Whether `header` (an `Authorization` value) carries the gateway's token or password.
    func authorizes(_ header: String?) -> Bool {
        guard let header, header.hasPrefix("Bearer ") else { return false }
        let presented = String(header.dropFirst("Bearer ".count)).trimmed
        if let token, presented == token { return true }
        if let password, presented == password { return true }
        return false
    }
}
