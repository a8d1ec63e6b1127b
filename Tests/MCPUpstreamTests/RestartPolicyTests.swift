import MCPUpstream
import Testing

/// The restart policy of stdio children, without processes.
@Suite("Restart policy")
struct RestartPolicyTests {
    @Test("the first exit restarts at once, repeated failures back off exponentially up to the cap")
    func backoff() {
        var policy = RestartPolicy(baseDelay: .milliseconds(100), maxDelay: .seconds(1), stableAfter: .seconds(30))
        let start = ContinuousClock.now
        policy.started(now: start)
        #expect(policy.exited(now: start + .seconds(1)) == .zero)
        #expect(policy.wait(now: start + .seconds(1)) == .zero)
        var now = start + .seconds(1)
        var delays: [Duration] = []
        for _ in 0..<6 {
            policy.started(now: now)
            let delay = policy.exited(now: now + .milliseconds(10))
            delays.append(delay)
            now += .milliseconds(10)
            #expect(policy.wait(now: now) == delay)
            now += delay
            #expect(policy.wait(now: now) == .zero)
        }
        #expect(delays == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
    }

    @Test("a child that ran stably resets the failure streak")
    func stableRunResets() {
        var policy = RestartPolicy(baseDelay: .milliseconds(100), maxDelay: .seconds(10), stableAfter: .seconds(5))
        let start = ContinuousClock.now
        for step in 0..<3 {
            policy.started(now: start + .seconds(step))
            policy.exited(now: start + .seconds(step) + .milliseconds(1))
        }
        #expect(policy.failures == 3)
        policy.started(now: start + .seconds(10))
        #expect(policy.exited(now: start + .seconds(20)) == .zero)
    }
}
