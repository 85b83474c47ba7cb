// swift-tools-version:6.1
import PackageDescription

// A package of its own, so that swift-nio-http2 (and swift-nio-extras) never enter the library's
// build. CI runs it after the main tests, in the main package's build folder.
// SwiftPM identifies a package by its folder's name: `NIOHTTP2` (identity `niohttp2`) does not
// collide with the dependency `swift-nio-http2`, nor with TLSKit itself.
let package = Package(
    name: "TLSKitNIOHTTP2Integration",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "TLSKit", path: "../.."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        // NIOHTTPTypes: Sendable request and response parts for `NIOAsyncChannel`; NIOHTTP1's
        // response part carries `IOData`, which is not Sendable.
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.3.0"),
    ],
    targets: [
        .testTarget(
            name: "NIOHTTP2IntegrationTests",
            dependencies: [
                .product(name: "TLSKit", package: "TLSKit"),
                .product(name: "TLSKitNIO", package: "TLSKit"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP2", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        )
    ]
)
