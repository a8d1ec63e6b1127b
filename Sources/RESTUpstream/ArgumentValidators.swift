import MCPCore
import Synchronization

/// Each tool's argument validator, compiled on the tool's first call and kept: an import of a
/// thousand operations pays only for the tools that are used.
final class ArgumentValidators: Sendable {
    private let compiled = Mutex<[String: ArgumentValidator]>([:])

    func validator(for name: String, schema: JSONValue) -> ArgumentValidator {
        if let known = compiled.withLock({ $0[name] }) { return known }
        let validator = ArgumentValidator(schema: schema)
        compiled.withLock { $0[name] = validator }
        return validator
    }
}
