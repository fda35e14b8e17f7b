import Foundation
import XCTest

@testable import MPI

/// A duplicate communicator orders its collectives apart from the original's, so a
/// second thread per rank can run its own sequence beside the main thread's; a rank
/// that fails releases peers waiting in the duplicate too.
final class DuplicateCommunicatorTests: XCTestCase {
    func testEachRanksSecondThreadRunsItsOwnCollectivesBesideTheMainThreads() throws {
        let results = try ThreadGroup.run(ranks: 3) { comm -> [Float] in
            let duplicate = try comm.duplicate()
            let done = DispatchSemaphore(value: 0)
            let side = Box<[Float]>([])
            let shared = Box(duplicate)
            let thread = Thread {
                let duplicate = shared.value
                var total: [Float] = [0]
                for round in 0..<50 {
                    var value: [Float] = [Float(duplicate.rank + round)]
                    try? duplicate.allreduce(&value, .sum)
                    total[0] += value[0]
                }
                side.value = total
                done.signal()
            }
            thread.start()
            var main: [Float] = [0]
            for round in 0..<30 {
                var value: [Float] = [Float(10 * comm.rank + round)]
                try comm.allreduce(&value, .sum)
                main[0] += value[0]
            }
            done.wait()
            return main + side.value
        }
        // Main: Σ_round (0 + 10 + 20 + 3·round); side: Σ_round (0 + 1 + 2 + 3·round).
        let main = Float((0..<30).reduce(0) { $0 + 30 + 3 * $1 })
        let side = Float((0..<50).reduce(0) { $0 + 3 + 3 * $1 })
        for result in results { XCTAssertEqual(result, [main, side]) }
    }

    func testARankThatFailsReleasesPeersWaitingInTheDuplicate() throws {
        struct Boom: Error {}
        XCTAssertThrowsError(
            try ThreadGroup.run(ranks: 2) { comm in
                let duplicate = try comm.duplicate()
                if comm.rank == 1 { throw Boom() }
                try duplicate.barrier()
            }
        ) { error in
            XCTAssertTrue(error is Boom, "\(error)")
        }
    }

    func testTheNonBlockingCollectivesOfThreadRanksCompleteWhenStarted() throws {
        let results = try ThreadGroup.run(ranks: 2) { comm -> [Float] in
            var part: [Float] = [1, 2, 3, 4, 5].map { $0 * Float(comm.rank + 1) }
            let request = try part.withUnsafeMutableBufferPointer { try comm.iallgather(inPlace: $0, counts: [2, 3]) }
            XCTAssertTrue(try request.test())
            var swapped = [Float](repeating: 0, count: 2)
            let outgoing: [Float] = [Float(comm.rank), Float(10 + comm.rank)]
            try outgoing.withUnsafeBufferPointer { out in
                try swapped.withUnsafeMutableBufferPointer { try comm.ialltoallv(out, sendCounts: [1, 1], into: $0, receiveCounts: [1, 1]).wait() }
            }
            return part + swapped
        }
        XCTAssertEqual(results[0], [1, 2, 6, 8, 10, 0, 1])
        XCTAssertEqual(results[1], [1, 2, 6, 8, 10, 10, 11])
    }
}

/// A value one thread sets and another reads after a semaphore.
private final class Box<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}
