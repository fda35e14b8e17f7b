// swift-tools-version:6.0
import PackageDescription

/// Release builds of the numeric targets skip exclusivity checks: kernels work on
/// unsafe buffers they own, and the checks cost measurable time per op.
let numericSettings: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "Tandem",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tandem", targets: ["tandem"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .target(name: "MPI", dependencies: ["CMPI"]),
        .executableTarget(
            name: "tandem",
            dependencies: [
                "MPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "MPITests", dependencies: ["MPI", "CMPI"]),
        .testTarget(name: "IntegrationTests"),
    ]
)
