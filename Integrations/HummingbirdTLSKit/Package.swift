// swift-tools-version:6.1
import PackageDescription

// A package of its own, so that Hummingbird and what it brings (swift-nio-http2, swift-nio-ssl,
// service lifecycle, …) never enter the library's build. CI builds it in the main package's
// build folder. The folder is not named plain `Hummingbird`: SwiftPM identifies a package by its
// folder's name, case-insensitively, and that one would collide with the hummingbird dependency.
let package = Package(
    name: "HummingbirdTLSKit",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "HummingbirdTLSKit", targets: ["HummingbirdTLSKit"]),
        .executable(name: "HummingbirdExample", targets: ["HummingbirdExample"]),
    ],
    dependencies: [
        .package(name: "TLSKit", path: "../.."),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.0.0"),
        // `swift package generate-documentation`: a build plugin only, nothing is linked.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin.git", from: "1.5.0"),
    ],
    targets: [
        .target(
            name: "HummingbirdTLSKit",
            dependencies: [
                .product(name: "TLSKit", package: "TLSKit"),
                .product(name: "TLSKitNIO", package: "TLSKit"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
            ]
        ),
        .executableTarget(
            name: "HummingbirdExample",
            dependencies: [
                "HummingbirdTLSKit",
                .product(name: "TLSKit", package: "TLSKit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "HummingbirdTLSKitTests",
            dependencies: [
                "HummingbirdTLSKit",
                .product(name: "TLSKit", package: "TLSKit"),
                .product(name: "TLSKitNIO", package: "TLSKit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ]
)
