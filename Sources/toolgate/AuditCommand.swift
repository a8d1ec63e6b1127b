import ArgumentParser
import Foundation
import GatewayConfig
import GatewayCore
import GatewayRuntime
import GatewayStore
import MCPCore

/// `toolgate audit`: read the audit trail a gateway wrote.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read the audit trail: export, search, show, tail, verify.",
        subcommands: [Export.self, Search.self, Show.self, Tail.self, Verify.self]
    )

    /// Where the store is: `--store sqlite:PATH`, or the `store:` of `--config FILE`.
    struct StoreOptions: ParsableArguments {
        @Option(name: .long, help: "The audit store (sqlite:PATH).")
        var store: String?

        @Option(name: .long, help: "A configuration file whose store to read (and whose chain_key, for verify).")
        var config: String?

        @Option(name: .long, help: "The chain key (when the configuration sets policies.audit.chain_key). Default: $TOOLGATE_AUDIT_CHAIN_KEY.")
        var chainKey: String?

        func reader() throws -> AuditReader {
            var path: String?
            var key = chainKey ?? ProcessInfo.processInfo.environment["TOOLGATE_AUDIT_CHAIN_KEY"]
            if let store {
                guard store.hasPrefix("sqlite:") else { throw CommandFailure.exit("--store: expected sqlite:PATH, found '\(store)'") }
                path = String(store.dropFirst("sqlite:".count))
            }
            if let config {
                let configuration: GatewayConfiguration
                do {
                    configuration = try ConfigurationLoader().load(path: config)
                } catch {
                    throw CommandFailure.exit(error.description)
                }
                path = path ?? configuration.policies.store ?? Gateway.defaultStorePath(for: configuration)
                key = key ?? configuration.policies.audit?.chainKey
            }
            guard let path else { throw CommandFailure.exit("name the store: --store sqlite:PATH or --config FILE") }
            let reader: AuditReader
            do {
                reader = try AuditReader(path: path, chainKey: key)
            } catch {
                throw CommandFailure.exit(error.message)
            }
            let waiting = reader.recordsLeftInJournal()
            if waiting > 0 {
                FileHandle.standardError.write(
                    Data("note: \(waiting) records of a gateway that stopped without closing the store wait in its journal (\(path)-pending-*.jsonl); the next gateway to open the store commits them\n".utf8)
                )
            }
            return reader
        }
    }

    /// The filters `export`, `search` and `tail` share.
    struct FilterOptions: ParsableArguments {
        @Option(name: .long, help: "Only this consumer's calls.") var consumer: String?
        @Option(name: .long, help: "Only this target (<server>/<tool>, a model group; a trailing * matches a prefix).") var target: String?
        @Option(name: .long, help: "Only this kind: tool_call, resource_read, prompt_get, model_call.") var kind: String?
        @Option(name: .long, help: "Only this status: ok, denied, rate_limited, content_filtered, upstream...") var status: String?
        @Option(name: .long, help: "From this time on (ISO 8601, or a date).") var since: String?
        @Option(name: .long, help: "Before this time (ISO 8601, or a date).") var until: String?
        @Option(name: .long, help: "Records containing this text (payloads included).") var text: String?

        var filter: AuditReader.Filter {
            var filter = AuditReader.Filter()
            filter.consumer = consumer
            filter.target = target
            filter.kind = kind
            filter.status = status
            filter.since = since
            filter.until = until
            filter.text = text
            return filter
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every record (or those the filters select) as JSON lines, oldest first.")
        @OptionGroup var store: StoreOptions
        @OptionGroup var filters: FilterOptions

        func run() async throws {
            let reader = try store.reader()
            var filter = filters.filter
            filter.limit = 10_000
            while true {
                let page = try reader.entries(filter)
                for entry in page { print(entry.record.serialized()) }
                guard let last = page.last, page.count == filter.limit else { break }
                filter.afterSeq = last.seq
            }
        }
    }

    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List matching records, one line each (newest last).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var filters: FilterOptions
        @Option(name: .long, help: "At most this many (the newest).") var limit = 100

        func run() async throws {
            let entries = try store.reader().entries(filters.filter).suffix(limit)
            for entry in entries { print(AuditCommand.line(entry.record)) }
            if entries.isEmpty { print("no records match") }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print one record in full, with its place in the chain.")
        @OptionGroup var store: StoreOptions
        @Argument(help: "The record's id (or seq).") var id: String

        func run() async throws {
            guard let entry = try store.reader().entry(id: id) else { throw CommandFailure.exit("no record \(id)") }
            var record = entry.record.objectValue ?? [:]
            record["hash"] = .string(entry.hash)
            record["prev_hash"] = .string(entry.previousHash)
            print(JSONValue.object(record).prettySerialized())
        }
    }

    struct Tail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the last records, then follow new ones as they are written (Ctrl-C ends).")
        @OptionGroup var store: StoreOptions
        @OptionGroup var filters: FilterOptions
        @Option(name: .short, help: "How many of the last records to print first.") var n = 10
        @Flag(name: .long, help: "Print the last records and stop.") var noFollow = false

        func run() async throws {
            let reader = try store.reader()
            var filter = filters.filter
            let last = try reader.entries(filter).suffix(n)
            for entry in last { print(AuditCommand.line(entry.record)) }
            filter.afterSeq = last.last?.seq ?? 0
            while !noFollow {
                try await Task.sleep(for: .milliseconds(500))
                for entry in try reader.entries(filter) {
                    print(AuditCommand.line(entry.record))
                    filter.afterSeq = entry.seq
                }
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Walk the hash chain; exit non-zero naming the first record that was edited, inserted or deleted.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let (count, firstBreak) = try store.reader().verify()
            if let firstBreak { throw CommandFailure.exit("the audit chain is broken at \(firstBreak) (\(count) records read)") }
            print("ok: \(count) records, the chain is intact")
        }
    }

    /// `time consumer kind target status latency`.
    static func line(_ record: JSONValue) -> String {
        var fields = ["time", "consumer", "kind", "target", "status"].map { record[$0]?.stringValue ?? "-" }
        if record["tool_error"]?.boolValue == true { fields[4] += " (isError)" }
        let latency = record["latency_ms"].map { "\($0.serialized()) ms" } ?? ""
        return (fields + [latency]).joined(separator: "  ")
    }
}
