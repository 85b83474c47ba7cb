/// What the command line asked for.
///
///     tlskit-bench [--seconds S] [--only LIST] [--connections N]
///                  [--profile-iterations N [--profile-resumptions] [--profile-boringssl]
///                   [--profile-nio tlskit|niossl]]
///                  [--list] [--primitives]
struct Options {
    /// Time budget of each figure, warm-up included.
    var seconds = 2.0
    /// Figure names or prefixes to run; empty runs everything.
    var only: [String] = []
    /// Idle connections held by the memory figures.
    var connections = 10_000
    /// When set, run exactly this many TLSKit full handshakes (no tickets) and nothing else.
    var profileIterations: Int?
    /// With `profileIterations`: resumptions (one new ticket each) instead of full handshakes.
    var profileResumptions = false
    /// With `profileIterations`: on the opt-in BoringSSL crypto provider instead of the default.
    var profileBoringSSL = false
    /// With `profileIterations`: full handshakes through NIO's `EmbeddedChannel`s, with
    /// TLSKit's handlers (`tlskit`) or swift-nio-ssl's (`niossl`).
    var profileNIO: String?
    /// Print the figure names and exit.
    var listOnly = false
    /// Print what single swift-crypto calls cost (comments) and exit.
    var primitivesOnly = false

    static let usage = """
        usage: tlskit-bench [--seconds S] [--only NAME[,NAME...]] [--connections N]
                            [--profile-iterations N [--profile-resumptions] [--profile-boringssl]
                             [--profile-nio tlskit|niossl]]
                            [--list] [--primitives]
          --seconds S              time budget of each figure (default 2)
          --only LIST              comma-separated figure names or name prefixes
          --connections N          idle connections held by the memory figures (default 10000)
          --profile-iterations N   run exactly N full handshakes (tlskit, no tickets) for a profiler
          --profile-resumptions    with --profile-iterations: N resumptions (one new ticket each)
          --profile-boringssl      with --profile-iterations: on the BoringSSL crypto provider
          --profile-nio LIBRARY    with --profile-iterations: N full handshakes through NIO with
                                   TLSKit's handlers (tlskit) or swift-nio-ssl's (niossl)
          --list                   print the figure names and units
          --primitives             print what single swift-crypto calls cost, as comments
        """

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    init(arguments: [String]) throws {
        var remaining = arguments[...]
        func value(for flag: String) throws -> String {
            guard let value = remaining.popFirst() else { throw UsageError(description: "\(flag) needs a value") }
            return value
        }
        while let argument = remaining.popFirst() {
            switch argument {
            case "--seconds":
                guard let seconds = Double(try value(for: argument)), seconds > 0, seconds.isFinite else {
                    throw UsageError(description: "--seconds needs a positive number")
                }
                self.seconds = seconds
            case "--only":
                only = try value(for: argument).split(separator: ",").map { String($0) }.filter { !$0.isEmpty }
            case "--connections":
                guard let count = Int(try value(for: argument)), count > 0 else {
                    throw UsageError(description: "--connections needs a positive integer")
                }
                connections = count
            case "--profile-iterations":
                guard let count = Int(try value(for: argument)), count > 0 else {
                    throw UsageError(description: "--profile-iterations needs a positive integer")
                }
                profileIterations = count
            case "--profile-resumptions":
                profileResumptions = true
            case "--profile-boringssl":
                profileBoringSSL = true
            case "--profile-nio":
                let library = try value(for: argument)
                guard library == "tlskit" || library == "niossl" else {
                    throw UsageError(description: "--profile-nio takes tlskit or niossl")
                }
                profileNIO = library
            case "--list":
                listOnly = true
            case "--primitives":
                primitivesOnly = true
            case "--help", "-h":
                throw UsageError(description: Self.usage)
            default:
                throw UsageError(description: "unknown argument \(argument)\n\(Self.usage)")
            }
        }
    }

    /// Whether the figure called `name` was asked for.
    func selects(_ name: String) -> Bool {
        only.isEmpty || only.contains { name.hasPrefix($0) }
    }
}
