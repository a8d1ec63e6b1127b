/// The modes named in a fake provider path.
struct FakeBehaviour {
    var failStatus: Int?
    var reset = false
    var stallFirst = false
    var stallMid = false
    var cut = false
    var malformed = false
    var noUsage = false
    var errorMid = false
    var delay: Int?
    var ttft: Int?

    init(_ modes: [String]) {
        for mode in modes {
            if mode.hasPrefix("fail-") { failStatus = Int(mode.dropFirst(5)) }
            if mode.hasPrefix("delay-") { delay = Int(mode.dropFirst(6)) }
            if mode.hasPrefix("ttft-") { ttft = Int(mode.dropFirst(5)) }
            switch mode {
            case "reset": reset = true
            case "stall-first": stallFirst = true
            case "stall-mid": stallMid = true
            case "cut": cut = true
            case "malformed": malformed = true
            case "no-usage": noUsage = true
            case "error-mid": errorMid = true
            default: break
            }
        }
    }
}
