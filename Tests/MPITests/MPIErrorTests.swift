import CMPI
import XCTest

@testable import MPI

final class MPIErrorTests: XCTestCase {
    func testAFailingMPICallThrowsWithTheCallNameAndMPIsMessage() throws {
        _ = try MPIEnvironment.worldCommunicator()
        XCTAssertThrowsError(try check(MPI_Barrier(tandem_mpi_comm_null()), "MPI_Barrier")) { error in
            guard case let MPIError.callFailed(call, code, message) = error else {
                return XCTFail("expected callFailed, got \(error)")
            }
            XCTAssertEqual(call, "MPI_Barrier")
            XCTAssertNotEqual(code, MPI_SUCCESS)
            XCTAssertTrue(message.lowercased().contains("communicator"), message)
            XCTAssertTrue("\(error)".hasPrefix("MPI_Barrier failed with MPI error"), "\(error)")
        }
    }

    func testCountsAboveInt32MaxAreRejectedNotTruncated() throws {
        let tooMany = Int(Int32.max) + 1
        XCTAssertThrowsError(try mpiCount(tooMany, call: "MPI_Allgather")) { error in
            XCTAssertEqual(error as? MPIError, .countOverflow(call: "MPI_Allgather", count: tooMany, limit: Int(Int32.max)))
        }
        XCTAssertEqual(try mpiCount(Int(Int32.max), call: "MPI_Allgather"), Int32.max)
    }

    func testAnAllgatherOfMoreThanInt32MaxElementsFailsBeforeTouchingMemory() throws {
        let comm = try MPIEnvironment.worldCommunicator()
        let one = UnsafeMutablePointer<Float>.allocate(capacity: 1)
        defer { one.deallocate() }
        // A buffer that claims 2^31 elements: the count check must fire before any access.
        let huge = UnsafeBufferPointer(start: one, count: Int(Int32.max) + 1)
        let receive = UnsafeMutableBufferPointer(start: one, count: Int(Int32.max) + 1)
        XCTAssertThrowsError(try comm.allgather(huge, into: receive)) { error in
            guard case MPIError.countOverflow = error else { return XCTFail("expected countOverflow, got \(error)") }
        }
    }

    func testElementwiseCollectivesAreSplitIntoPiecesThatCoverEveryElementOnce() throws {
        XCTAssertEqual(chunks(count: 10, limit: 4), [0..<4, 4..<8, 8..<10])
        XCTAssertEqual(chunks(count: 8, limit: 4), [0..<4, 4..<8])
        XCTAssertEqual(chunks(count: 0, limit: 4), [0..<0])
        let limit = Int(Int32.max)
        XCTAssertEqual(chunks(count: 2 * limit + 5, limit: limit).map(\.count), [limit, limit, 5])
    }

    func testSplitAllreduceOnRealMPIGivesTheWholeResult() throws {
        let comm = try MPIEnvironment.worldCommunicator().splittingCollectives(every: 3)
        var values: [Double] = (0..<10).map(Double.init)
        try comm.allreduce(&values, .mean)
        XCTAssertEqual(values, (0..<10).map(Double.init))
    }
}
