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
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        // Debian's libdnnl-dev ships no pkg-config file; the module map names the libraries.
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),

        // Bottom to top: arrows point down only.
        .target(name: "MPI", dependencies: ["CMPI"]),
        .target(name: "Autograd", dependencies: ["CBLAS", "CDNNL"], swiftSettings: numericSettings),
        .target(name: "Formats", dependencies: ["Autograd", "CZlib"]),
        .target(name: "NN", dependencies: ["Autograd"], swiftSettings: numericSettings),
        .target(name: "GAN", dependencies: ["NN", "Autograd"], swiftSettings: numericSettings),
        .target(name: "Data", dependencies: ["Autograd", "Formats", "CPNG", "CJPEG"], swiftSettings: numericSettings),
        .target(name: "Plot", dependencies: ["Autograd", "Formats"], swiftSettings: numericSettings),
        .target(
            name: "Training",
            dependencies: ["MPI", "Autograd", "Formats", "NN", "GAN", "Data", "Plot", .product(name: "Yams", package: "Yams")],
            swiftSettings: numericSettings),
        .executableTarget(
            name: "tandem",
            dependencies: [
                "MPI", "Autograd", "Formats", "NN", "GAN", "Data", "Plot", "Training",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Helpers the tests share (scratch directories, an independent zlib).
        .target(name: "TestSupport", dependencies: ["CZlib"], path: "Tests/Support"),
        .testTarget(name: "MPITests", dependencies: ["MPI", "CMPI"]),
        .testTarget(name: "AutogradTests", dependencies: ["Autograd"]),
        .testTarget(name: "NNTests", dependencies: ["NN", "Autograd"]),
        .testTarget(name: "GANTests", dependencies: ["GAN", "NN", "Autograd"]),
        .testTarget(name: "FormatsTests", dependencies: ["Formats", "Autograd", "TestSupport"]),
        .testTarget(name: "DataTests", dependencies: ["Data", "Formats", "Plot", "Autograd", "TestSupport"]),
        .testTarget(name: "PlotTests", dependencies: ["Plot", "Formats", "Data", "Autograd", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "MPI", "Formats", "GAN", "NN", "Data", "Plot", "Autograd", "TestSupport"]),
        // Integration tests drive the release binary; Data and Plot only write their image fixtures.
        .testTarget(name: "IntegrationTests", dependencies: ["Data", "Plot"]),
    ]
)
