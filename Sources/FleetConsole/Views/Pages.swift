import FleetCore

/// Error pages that say why (401, 403, 404, 409, 429).
enum ErrorPage {
    static func render(title: String, status: Int, message: String, user: String?, detail: [String] = [], csrf: String = "") -> String {
        var main = "<h1>\(esc(title))</h1><p class=\"error-message\" role=\"alert\">\(esc(message))</p>"
        if !detail.isEmpty { main += "<ul>" + detail.map { "<li>\(esc($0))</li>" }.joined() + "</ul>" }
        main += "<p><a href=\"/\">Back to the dashboard</a></p>"
        return Layout(title: "\(status) \(title)", user: user, csrf: csrf).render(main)
    }

    /// A 403 for a role or selector that does not allow the action.
    static func forbidden(action: String, bot: String?, policy: AccessPolicy, role: ConsoleRole?, needed: ConsoleRole, csrf: String) -> String {
        let target = bot.map { "bot '\($0)'" } ?? "the whole fleet"
        let has = role.map { "Your role for \(target) is \($0.rawValue) (\($0.summary))." } ?? "spec.access gives you no role for \(target)."
        return render(
            title: "Not allowed", status: 403,
            message: "\(policy.user) may not \(action): it needs the \(needed.rawValue) role for \(target). \(has) Roles are granted in git, in spec.access of the Fleet manifest.",
            user: policy.user, detail: policy.summaries.map { "spec.access: \($0)" }, csrf: csrf)
    }
}

/// The login page.
enum LoginPage {
    static func render(csrf: String, next: String, error: String?, proxyHeader: String?, warning: String?) -> String {
        var main = "<h1>Log in</h1>"
        if let proxyHeader {
            main += "<p>This console takes the user from the <code>\(esc(proxyHeader))</code> header of the reverse proxy in front of it. Open it through that proxy.</p>"
            return Layout(title: "Log in", user: nil, csrf: "", warning: warning).render(main)
        }
        if let error { main += "<p class=\"error\" role=\"alert\" id=\"login-error\">\(esc(error))</p>" }
        main += """
        <form method="post" action="/login" class="login"\(error != nil ? " aria-describedby=\"login-error\"" : "")>
        <input type="hidden" name="csrf" value="\(esc(csrf))">
        <input type="hidden" name="next" value="\(esc(next))">
        <label for="user">User name</label><input id="user" name="user" autocomplete="username" required autofocus>
        <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit">Log in</button>
        </form>
        <p class="muted">Passwords are set on the host with <code>fleet users set NAME</code>; roles are <code>spec.access</code> in the Fleet manifest.</p>
        """
        return Layout(title: "Log in", user: nil, csrf: "", warning: warning).render(main)
    }
}

/// A confirmation page for an imperative action: it names what will happen.
enum ConfirmPage {
    static func render(title: String, question: String, action: String, button: String, user: String, csrf: String, cancel: String) -> String {
        let main = """
        <h1>\(esc(title))</h1>
        <form method="post" action="\(esc(action))" class="confirm">
        <input type="hidden" name="csrf" value="\(esc(csrf))">
        <input type="hidden" name="confirm" value="yes">
        <p>\(esc(question))</p>
        <p class="muted">This is recorded in the journal with your name, \(esc(user)).</p>
        <button type="submit" class="danger">\(esc(button))</button> <a href="\(esc(cancel))">Cancel</a>
        </form>
        """
        return Layout(title: title, user: user, csrf: csrf).render(main)
    }
}
