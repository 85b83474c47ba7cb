// swift-tools-version:6.1
import PackageDescription

// A package of its own, so that swift-nio-ssl (used only for the side-by-side comparison)
// never enters the library's build.
let package = Package(
    name: "TLSKitBenchmarks",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tlskit-bench", targets: ["tlskit-bench"]),
    ],
    dependencies: [
        // With the BoringSSL provider built in, so that both providers are measured in one run.
        .package(name: "TLSKit", path: "..", traits: ["BoringSSLProvider"]),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.0"),
    ],
    targets: [
        .target(name: "CMallocInfo"),
        // The system's OpenSSL (libssl-dev), measured in the same run as a reference.
        .target(
            name: "COpenSSLReference",
            linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]
        ),
        .executableTarget(
            name: "tlskit-bench",
            dependencies: [
                "CMallocInfo",
                "COpenSSLReference",
                .product(name: "TLSKit", package: "TLSKit"),
                .product(name: "TLSKitNIO", package: "TLSKit"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
    ],
    swiftLanguageModes: [.v5]
)
