import FleetCore
import FoundationEssentials
import Hummingbird

/// `/`: the dashboard.
struct DashboardController {
    let services: ConsoleServices

    func register(on router: Router<ConsoleContext>) {
        router.get("/") { request, context in await self.dashboard(request, context) }
    }

    func dashboard(_ request: Request, _ context: ConsoleContext) async -> Response {
        let snapshot = await services.store.snapshot
        let policy = services.policy(context.user, snapshot)
        let query = DashboardQuery(FormData.parse(request.uri.query ?? ""))
        var selectorError: String?
        if !query.selector.isEmpty {
            do {
                _ = try LabelSelector(parsing: query.selector)
            } catch {
                selectorError = "The label selector does not parse: \(error)"
            }
        }
        let notice = Notices.text(FormData.parse(request.uri.query ?? "")["done"])
        let body = DashboardView.render(snapshot, bots: snapshot.visibleBots(policy), policy: policy, query: query, selectorError: selectorError)
        return htmlResponse(Layout(title: "Dashboard", user: context.user, csrf: context.csrfToken, events: "/events", notice: notice).render(body))
    }
}

/// Fixed notices after an action (never text from the URL itself).
enum Notices {
    static func text(_ key: String?) -> String? {
        switch key {
        case "restart": return "The gateway was restarted."
        case "reconcile": return "The daemon was asked to reconcile now."
        default: return nil
        }
    }
}
