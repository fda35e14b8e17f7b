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
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // C libraries, wrapped once here.
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Debian's libdnnl-dev ships no pkg-config file; the module map names the libraries.
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),

        // Bottom to top: arrows point down only.
        .target(name: "MPI", dependencies: ["CMPI"]),
        .target(name: "Autograd", dependencies: ["CBLAS", "CDNNL"], swiftSettings: numericSettings),
        .target(name: "NN", dependencies: ["Autograd"], swiftSettings: numericSettings),
        .target(name: "GAN", dependencies: ["NN", "Autograd"], swiftSettings: numericSettings),
        .target(name: "Data", dependencies: ["Autograd", "CZlib"], swiftSettings: numericSettings),
        .target(
            name: "Training",
            dependencies: ["MPI", "Autograd", "NN", "GAN", "Data", .product(name: "Yams", package: "Yams")],
            swiftSettings: numericSettings),
        .executableTarget(
            name: "tandem",
            dependencies: [
                "MPI", "Autograd", "NN", "GAN", "Data", "Training",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(name: "MPITests", dependencies: ["MPI", "CMPI"]),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd"]),
        .testTarget(name: "NNTests", dependencies: ["NN", "Autograd"]),
        .testTarget(name: "GANTests", dependencies: ["GAN", "NN", "Autograd"]),
        .testTarget(name: "DataTests", dependencies: ["Data", "Autograd"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "MPI", "GAN", "NN", "Data", "Autograd"]),
        .testTarget(name: "IntegrationTests"),
    ]
)
