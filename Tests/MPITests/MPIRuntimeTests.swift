import Foundation
import XCTest
import MPI

/// The parts of the module that run without mpirun: launch detection, library
/// loading and its one-line errors.
final class MPIRuntimeTests: XCTestCase {
    func testLaunchDetectionReadsOpenMPIsVariables() {
        XCTAssertFalse(MPIRuntime.launched(environment: [:]))
        XCTAssertFalse(MPIRuntime.launched(environment: ["PATH": "/usr/bin", "OMPI_MCA_btl": "self,vader"]))
        XCTAssertTrue(MPIRuntime.launched(environment: ["OMPI_COMM_WORLD_SIZE": "2"]))
        XCTAssertTrue(MPIRuntime.launched(environment: ["OMPI_COMM_WORLD_RANK": "0"]))
        XCTAssertTrue(MPIRuntime.launched(environment: ["PMIX_RANK": "1"]))
    }

    func testSwiftTestIsNotLaunchedByMPI() {
        XCTAssertFalse(MPIRuntime.launchedByMPI, "swift test is not started by mpirun")
    }

    func testLibraryNamesDefaultToOpenMPIsSonameUnlessOverridden() {
        XCTAssertEqual(MPIRuntime.libraryNames(environment: [:]).first, "libmpi.so.40")
        XCTAssertEqual(MPIRuntime.libraryNames(environment: ["RLTRAIN_MPI_LIBRARY": ""]).first, "libmpi.so.40")
        XCTAssertEqual(MPIRuntime.libraryNames(environment: ["RLTRAIN_MPI_LIBRARY": "/opt/ompi/lib/libmpi.so"]),
                       ["/opt/ompi/lib/libmpi.so"])
    }

    func testMissingLibraryIsAOneLineError() {
        do {
            _ = try MPIRuntime.initialize(libraryNames: ["libmpi-missing.so.99", "libmpi-absent.so"])
            XCTFail("initialize() loaded a library that does not exist")
        } catch {
            guard case .libraryUnavailable(let launched, let reasons) = error else {
                return XCTFail("expected .libraryUnavailable, got \(error)")
            }
            XCTAssertFalse(launched)
            XCTAssertTrue(reasons.contains("libmpi-missing.so.99") && reasons.contains("libmpi-absent.so"), reasons)
            let line = error.description
            XCTAssertFalse(line.contains("\n"), line)
            XCTAssertTrue(line.contains("install openmpi-bin"), line)
        }
    }

    func testUnderMpirunTheErrorSaysSoOnOneLine() {
        let line = MPIError.libraryUnavailable(launchedByMPI: true, reasons: "libmpi.so.40: cannot open\nshared object").description
        XCTAssertTrue(line.hasPrefix("started under mpirun but Open MPI's libmpi cannot be loaded"), line)
        XCTAssertFalse(line.contains("\n"), line)
    }

    /// A library that loads but is not Open MPI (libc) is refused by symbol,
    /// not called.
    func testLibraryWithoutMPISymbolsIsRefused() throws {
        #if os(Linux)
        do {
            _ = try MPIRuntime.libraryVersion(libraryNames: ["libc.so.6"])
            XCTFail("libc was accepted as MPI")
        } catch {
            XCTAssertTrue(error.description.contains("libc.so.6 has no symbol MPI_"), error.description)
        }
        #else
        throw XCTSkip("Linux sonames")
        #endif
    }

    /// Loading (not initialising) the installed Open MPI.
    func testInstalledLibraryReportsItsVersion() throws {
        let version: String
        do {
            version = try MPIRuntime.libraryVersion(libraryNames: MPIRuntime.libraryNames(environment: [:]))
        } catch {
            throw XCTSkip("Open MPI is not installed (apt-get install openmpi-bin libopenmpi-dev): \(error)")
        }
        XCTAssertTrue(version.hasPrefix("Open MPI v"), version)
        XCTAssertFalse(version.contains("\n"), version)
    }
}
