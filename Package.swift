// swift-tools-version: 6.1
// Layers, top to bottom, each importing only those below it:
// rltrain (CLI) → Experiments → Environments → RL → NN → Tensor (→ CTensorKernels, C).
import PackageDescription

let package = Package(
    name: "rltrain",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rltrain", targets: ["rltrain"]),
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "NN", targets: ["NN"]),
        .library(name: "RL", targets: ["RL"]),
        .library(name: "Environments", targets: ["Environments"]),
        .library(name: "Experiments", targets: ["Experiments"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // SGEMM kernels for AVX2+FMA and AVX-512, compiled per function for
        // their instruction set and chosen at run time (see its header).
        .target(name: "CTensorKernels"),
        .target(
            name: "Tensor", dependencies: ["CTensorKernels"], exclude: ["README.md"],
            linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        .target(name: "NN", dependencies: ["Tensor"], exclude: ["README.md"]),
        .target(name: "RL", dependencies: ["Tensor", "NN"], exclude: ["README.md"]),
        .target(
            name: "Environments", dependencies: ["RL"], path: "Environments",
            exclude: ["README.md", "Arithmetic/README.md"]),
        .target(name: "Experiments", dependencies: ["Tensor", "NN", "RL", "Environments"], exclude: ["README.md"]),
        .executableTarget(
            name: "rltrain",
            dependencies: [
                "Experiments", "Environments", "RL", "NN", "Tensor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["README.md"]),
        .executableTarget(name: "gemm-benchmark", dependencies: ["Tensor"], path: "Benchmarks/GEMMBenchmark"),
        .executableTarget(name: "env-benchmark", dependencies: ["Environments", "RL"], path: "Benchmarks/EnvBenchmark"),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "NNTests", dependencies: ["NN", "Tensor"]),
        .testTarget(name: "RLTests", dependencies: ["RL", "NN", "Tensor"]),
        .testTarget(name: "EnvironmentsTests", dependencies: ["Environments", "RL"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "Environments", "RL", "NN", "Tensor"]),
    ],
    swiftLanguageModes: [.v6]
)
