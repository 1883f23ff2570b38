// swift-tools-version: 6.1
// Layers, top to bottom, each importing only those below it:
//   rltrain (CLI) → Sweeps → Experiments → Environments
//   Environments → RL → NN → Tensor (→ CTensorKernels, C), and Environments → Plotting → RunStorage
// (RunStorage and Plotting need Foundation only: files, CSVs, checkpoints,
// SVG figures and fits, below everything that trains).
// MPI (Foundation only): Open MPI's collectives, which Experiments turns into
// the trainer's Collective for data-parallel runs.
import PackageDescription

let package = Package(
    name: "rltrain",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rltrain", targets: ["rltrain"]),
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "NN", targets: ["NN"]),
        .library(name: "RL", targets: ["RL"]),
        .library(name: "RunStorage", targets: ["RunStorage"]),
        .library(name: "Plotting", targets: ["Plotting"]),
        .library(name: "Environments", targets: ["Environments"]),
        .library(name: "Experiments", targets: ["Experiments"]),
        .library(name: "Sweeps", targets: ["Sweeps"]),
        .library(name: "MPI", targets: ["MPI"]),
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
        .target(name: "RunStorage", exclude: ["README.md"]),
        .target(name: "Plotting", dependencies: ["RunStorage"], exclude: ["README.md"]),
        .target(
            name: "Environments", dependencies: ["Tensor", "NN", "RL", "RunStorage", "Plotting"], path: "Environments",
            exclude: ["README.md", "Arithmetic/README.md", "Multiplication/README.md", "TextTasks/README.md", "Countdown/README.md"]),
        .target(
            name: "Experiments", dependencies: ["Tensor", "NN", "RL", "RunStorage", "Plotting", "Environments", "MPI"],
            exclude: ["README.md"]),
        .target(
            name: "Sweeps", dependencies: ["RL", "RunStorage", "Plotting", "Environments", "Experiments"],
            exclude: ["README.md"]),
        .target(name: "MPI", exclude: ["README.md"], linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        .executableTarget(
            name: "rltrain",
            dependencies: [
                "Sweeps", "Experiments", "Environments", "RunStorage", "RL", "NN", "Tensor", "MPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["README.md"]),
        .executableTarget(name: "gemm-benchmark", dependencies: ["Tensor"], path: "Benchmarks/GEMMBenchmark"),
        .executableTarget(name: "env-benchmark", dependencies: ["Environments", "RL"], path: "Benchmarks/EnvBenchmark"),
        .executableTarget(name: "mpi-benchmark", dependencies: ["MPI"], path: "Benchmarks/MPIBenchmark"),
        .executableTarget(
            name: "lm-benchmark", dependencies: ["Environments", "RL", "NN", "Tensor"], path: "Benchmarks/LMBenchmark"),
        .executableTarget(name: "mpi-selftest", dependencies: ["MPI"], path: "Tests/MPISelfTest"),
        // Tests mirror the sources: one test target per module, one file per concept.
        // TestSupport and ExperimentsTestSupport hold the helpers several test targets
        // share; no product depends on them.
        .target(name: "TestSupport", dependencies: ["RL"], path: "Tests/TestSupport"),  // RL: the fuzzers' RNG
        .target(
            name: "ExperimentsTestSupport", dependencies: ["Experiments", "Environments", "RunStorage", "RL", "NN", "Tensor"],
            path: "Tests/ExperimentsTestSupport"),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "NNTests", dependencies: ["NN", "Tensor"]),
        .testTarget(name: "RLTests", dependencies: ["RL", "NN", "Tensor"]),
        .testTarget(name: "RunStorageTests", dependencies: ["RunStorage", "TestSupport"]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting", "RL", "TestSupport"]),
        .testTarget(name: "EnvironmentsTests", dependencies: ["Environments", "RL", "TestSupport"]),
        .testTarget(
            name: "ExperimentsTests",
            dependencies: [
                "Experiments", "Environments", "RunStorage", "RL", "NN", "TestSupport", "ExperimentsTestSupport",
            ]),
        .testTarget(
            name: "SweepsTests",
            dependencies: ["Sweeps", "Experiments", "Environments", "Plotting", "RunStorage", "TestSupport", "ExperimentsTestSupport"]),
        .testTarget(
            name: "rltrainTests",
            dependencies: [
                "rltrain", "Experiments", "Environments", "RunStorage", "RL", "TestSupport", "ExperimentsTestSupport",
            ]),
        .testTarget(name: "MPITests", dependencies: ["MPI"]),
        // A network and an algorithm defined only here, trained through the library's seams.
        .testTarget(
            name: "SeamTests",
            dependencies: ["NN", "RL", "RunStorage", "Environments", "Experiments", "ExperimentsTestSupport", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
