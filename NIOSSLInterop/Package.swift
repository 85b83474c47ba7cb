// swift-tools-version:6.1
import PackageDescription

// A package of its own, so that swift-nio-ssl (the peer these tests drive) never enters the
// library's build. CI runs it after the main tests, in the main package's build folder.
// The folder is named for the peer rather than plain `Interop`: SwiftPM identifies a package by
// its folder's name, so `Interop` would collide with TLSKit itself in a checkout named `interop`.
let package = Package(
    name: "TLSKitNIOSSLInterop",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "TLSKit", path: ".."),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.0"),
    ],
    targets: [
        .testTarget(
            name: "NIOSSLInteropTests",
            dependencies: [
                .product(name: "TLSKit", package: "TLSKit"),
                .product(name: "TLSKitNIO", package: "TLSKit"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        )
    ]
)
