import GatewayCore
import Synchronization

/// A model group at run time: its settings, its instances, and the state of its balancer.
final class ModelGroup: Sendable {
    let settings: ModelGroupSettings
    let instances: [ModelInstance]
    let info: ModelGroupInfo
    /// Smooth weighted round-robin's running weights, one per instance.
    private let current: Mutex<[Double]>
    /// Calls waiting for an answer to begin (a whole answer, or a stream's first chunk).
    let waiting = Atomic<Int>(0)

    init(_ settings: ModelGroupSettings) {
        self.settings = settings
        self.instances = settings.instances.map { ModelInstance($0, health: settings.health) }
        self.info = ModelGroupInfo(name: settings.name, aliases: settings.aliases, servesEmbeddings: instances.contains { $0.dialect.servesEmbeddings })
        self.current = Mutex(Array(repeating: 0, count: settings.instances.count))
    }

    /// Why no instance can take a call at all.
    enum NoInstance: Error {
        /// No instance's provider takes the request (the first one's reason).
        case refused(param: String, message: String)
        /// Every instance that could take it has used up its own quota.
        case quotaUsed(retryAfter: Int)
    }

    /// The instances to try for `request`, in order: the strategy's pick in the first healthy
    /// priority level, the rest of that level, the next levels, then the unhealthy ones (tried
    /// anyway rather than failing everything). Instances that cannot take the request, or whose
    /// own quota is used up, are left out.
    func attemptOrder(for request: ModelRequest) throws(NoInstance) -> [ModelInstance] {
        var firstRefusal: (param: String, message: String)?
        var candidates: [Int] = []
        for (index, instance) in instances.enumerated() {
            if let refusal = instance.dialect.refusal(of: request) {
                firstRefusal = firstRefusal ?? refusal
            } else {
                candidates.append(index)
            }
        }
        if candidates.isEmpty, let firstRefusal { throw .refused(param: firstRefusal.param, message: firstRefusal.message) }
        let now = ContinuousClock.now
        var open: [Int] = []
        var soonest = Int.max
        for index in candidates {
            let room = instances[index].quotaRoom(now: now)
            if room.open { open.append(index) } else { soonest = min(soonest, room.retryAfter) }
        }
        if open.isEmpty { throw .quotaUsed(retryAfter: soonest == .max ? 60 : soonest) }
        let healthy = open.filter { instances[$0].isHealthy(now: now) }
        let unhealthy = open.filter { !healthy.contains($0) }
        let byPreference: (Int, Int) -> Bool = { a, b in
            let (x, y) = (self.instances[a].settings, self.instances[b].settings)
            return x.priority != y.priority ? x.priority < y.priority : x.weight > y.weight
        }
        guard let topPriority = healthy.map({ instances[$0].settings.priority }).min() else {
            return unhealthy.sorted(by: byPreference).map { instances[$0] }
        }
        let level = healthy.filter { instances[$0].settings.priority == topPriority }
        let pick = choose(among: level)
        let rest = healthy.filter { $0 != pick }.sorted(by: byPreference)
        return ([pick] + rest + unhealthy.sorted(by: byPreference)).map { instances[$0] }
    }

    /// The strategy's choice within one priority level: the preferred subset and the weights
    /// it is balanced by, then smooth weighted round-robin over them.
    private func choose(among level: [Int]) -> Int {
        guard level.count > 1 else { return level[0] }
        var members = level
        var weights = level.map { Double(instances[$0].settings.weight) }
        switch settings.strategy {
        case .weightedRoundRobin:
            break
        case .leastBusy:
            let busy = level.map { instances[$0].inFlight }
            let least = busy.min() ?? 0
            let keep = level.indices.filter { busy[$0] == least }
            members = keep.map { level[$0] }
            weights = keep.map { weights[$0] }
        case .latency:
            // Faster instances get more: weight × (fastest / own)², floored at a tenth of the weight.
            let averages = level.map { instances[$0].ttftAverage }
            if let fastest = averages.compactMap({ $0 }).min(), fastest > 0 {
                weights = zip(weights, averages).map { weight, average in
                    guard let average, average > 0 else { return weight }
                    let ratio = fastest / average
                    return max(weight * ratio * ratio, weight / 10)
                }
            }
        case .cost:
            let prices = level.map { index -> Double in
                let price = instances[index].settings.price
                return (price?.input ?? 0) + (price?.output ?? 0)
            }
            let cheapest = prices.min() ?? 0
            let keep = level.indices.filter { prices[$0] <= cheapest }
            members = keep.map { level[$0] }
            weights = keep.map { weights[$0] }
        }
        return current.withLock { current in
            var best = members[0]
            var bestWeight = -Double.infinity
            let total = weights.reduce(0, +)
            for (member, weight) in zip(members, weights) {
                current[member] += weight
                if current[member] > bestWeight {
                    bestWeight = current[member]
                    best = member
                }
            }
            current[best] -= total
            return best
        }
    }
}
