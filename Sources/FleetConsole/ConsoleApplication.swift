import FleetCore
import Hummingbird
import Logging

/// The console's router: middleware (security headers, who is asking, CSRF) and one
/// controller per area of the site.
public func buildConsoleRouter(_ services: ConsoleServices) -> Router<ConsoleContext> {
    let router = Router(context: ConsoleContext.self)
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: AuthMiddleware(services: services))
    router.add(middleware: CSRFMiddleware(services: services))
    AssetController().register(on: router)
    LoginController(services: services).register(on: router)
    DashboardController(services: services).register(on: router)
    BotController(services: services).register(on: router)
    ActionController(services: services).register(on: router)
    EventsController(services: services).register(on: router)
    PairingController(services: services).register(on: router)
    WizardController(services: services).register(on: router)
    EditController(services: services).register(on: router)
    ChangeController(services: services).register(on: router)
    return router
}

/// The console application: the router on `services.config`'s address, with the snapshot store
/// as a service (refreshed in the background, stopped on graceful shutdown).
public func buildConsoleApplication(_ services: ConsoleServices, logger: Logger) -> some ApplicationProtocol {
    var app = Application(
        router: buildConsoleRouter(services),
        configuration: .init(address: .hostname(services.config.host, port: services.config.port), serverName: "fleet-console"),
        logger: logger)
    app.addServices(services.store)
    return app
}
