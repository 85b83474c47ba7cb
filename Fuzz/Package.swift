// swift-tools-version:5.10
// libFuzzer targets for TLSKit. Not part of the library's build: see README.md here.
import Foundation
import PackageDescription

/// A path dependency is named after its folder, which differs between clones.
let rootPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

/// One executable per fuzz target; `run.sh --list` prints the same names.
let targetNames = [
    "record-deframer",
    "handshake-message",
    "extensions",
    "server-handshake",
    "server-post-handshake",
    "client-handshake",
    "client-post-handshake",
    "session-ticket",
    "client-session",
]

let package = Package(
    name: "TLSKitFuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
    ],
    targets: [
        .target(
            name: "FuzzSupport",
            dependencies: [
                .product(name: "TLSKit", package: rootPackage),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        )
    ]
        + targetNames.map { name in
            .executableTarget(
                name: name,
                dependencies: ["FuzzSupport", .product(name: "TLSKit", package: rootPackage)],
                path: "Targets/\(name)"
            )
        }
)
