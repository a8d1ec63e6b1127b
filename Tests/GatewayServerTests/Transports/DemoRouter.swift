import DemoAPI
import Hummingbird

/// The demo API's router, for live servers in tests.
enum DemoRouter {
    static func make() -> Router<BasicRequestContext> { DemoAPIServer.makeRouter() }
}
