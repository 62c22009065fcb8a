/// Failed logins per user name and per client address: after `limit` failures within `window`
/// further attempts are refused (429) until the oldest failure leaves the window.
actor LoginLimiter {
    let limit: Int
    let window: Duration
    private var failures: [String: [ContinuousClock.Instant]] = [:]

    init(limit: Int, window: Duration) {
        self.limit = limit
        self.window = window
    }

    /// How long until another attempt is allowed for any of `keys`, nil when one is allowed now.
    func retryAfter(_ keys: [String]) -> Duration? {
        let now = ContinuousClock.now
        var wait: Duration?
        for key in keys {
            let recent = (failures[key] ?? []).filter { now - $0 < window }
            failures[key] = recent.isEmpty ? nil : recent
            if recent.count >= limit, let oldest = recent.min() {
                let w = window - (now - oldest)
                wait = max(wait ?? .zero, w)
            }
        }
        return wait
    }

    /// Records a failed attempt under each key.
    func fail(_ keys: [String]) {
        let now = ContinuousClock.now
        for key in keys { failures[key, default: []].append(now) }
    }

    /// Forgets a user's failures after a successful login.
    func succeed(_ key: String) { failures[key] = nil }
}
