import Foundation
import XCTest

/// Overlapping gradient sums with the backward pass changes when buckets go out, not
/// what they sum: runs with and without overlap end with bitwise the same parameters,
/// for either split of the update; and `--timeline` writes a Chrome trace whose spans
/// nest on every track.
final class OverlapTests: XCTestCase {
    func testOverlapOnAndOffEndWithBitwiseTheSameParametersForEitherSplit() throws {
        let runs = try TrainingRuns("overlap")
        defer { runs.remove() }
        // Buckets of 16 KiB: several per network (the 64-wide critic has about 8,600 parameters).
        let arguments = ["--steps", "6", "--batch-size", "64", "--width", "64", "--log-every", "3", "--sample-every", "0", "--bucket-mb", "0.015625"]
        for split in ["replicated", "sharded"] {
            let on = try runs.train("on-\(split)", ranks: 3, arguments + ["--update-split", split, "--overlap"])
            let off = try runs.train("off-\(split)", ranks: 3, arguments + ["--update-split", split, "--no-overlap"])
            for network in ["generator", "critic"] {
                let distance = SafeTensorsFile.relativeDistance(try runs.checkpointFile(on, step: 6, network), try runs.checkpointFile(off, step: 6, network))
                XCTAssertEqual(distance, 0, "\(network), \(split)")
            }
        }
    }

    func testTheTimelineIsAChromeTraceWhoseSpansNestOnEveryTrack() throws {
        let runs = try TrainingRuns("timeline")
        defer { runs.remove() }
        let trace = runs.directory("trace.json")
        let output = try runs.tandem(
            ranks: 2,
            ["train", "--run-dir", runs.directory("run").path, "--steps", "3", "--batch-size", "64", "--width", "64", "--sample-every", "0",
             "--bucket-mb", "0.015625", "--update-split", "replicated", "--overlap", "--timeline", trace.path])
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertTrue(output.stdout.contains("timeline of 2 ranks written to \(trace.path)"), output.stdout)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: trace)) as? [String: Any]
        let events = try XCTUnwrap(object?["traceEvents"] as? [[String: Any]])
        let spans = events.filter { $0["ph"] as? String == "X" }
        var tracks: [[Int]: [(name: String, start: Double, end: Double)]] = [:]
        for span in spans {
            let (pid, tid) = (try XCTUnwrap(span["pid"] as? Int), try XCTUnwrap(span["tid"] as? Int))
            let (start, duration) = (try XCTUnwrap(span["ts"] as? Double), try XCTUnwrap(span["dur"] as? Double))
            XCTAssertGreaterThanOrEqual(duration, 0)
            tracks[[pid, tid], default: []].append((try XCTUnwrap(span["name"] as? String), start, start + duration))
        }
        XCTAssertEqual(Set(tracks.keys), [[0, 0], [0, 1], [1, 0], [1, 1]], "a compute and a stream track per rank")
        for (track, spans) in tracks {
            assertNested(spans, track: track)
            let names = Set(spans.map(\.name))
            let expected = track[1] == 0
                ? ["iteration 3", "critic update 5", "forward critic", "backward critic", "wait for gradients", "optimizer critic", "issue critic bucket 0",
                   "generator update 1", "forward generator", "backward generator", "optimizer generator"]
                : ["critic bucket 0", "critic bucket 1", "generator bucket 0", "reduce-scatter", "allgather"]
            for name in expected { XCTAssertTrue(names.contains(name), "\(name) missing on track \(track): \(names.sorted())") }
        }
        let processNames = events.filter { $0["name"] as? String == "process_name" }.compactMap { ($0["args"] as? [String: Any])?["name"] as? String }
        XCTAssertEqual(processNames.count, 2)
    }

    /// Spans on one track either contain one another or do not overlap (0.001 µs of slack for
    /// the decimal timestamps).
    private func assertNested(_ spans: [(name: String, start: Double, end: Double)], track: [Int], file: StaticString = #filePath, line: UInt = #line) {
        let ordered = spans.sorted { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }
        var open: [(name: String, start: Double, end: Double)] = []
        for span in ordered {
            while let last = open.last, last.end <= span.start + 1e-3 { open.removeLast() }
            if let parent = open.last {
                XCTAssertLessThanOrEqual(span.end, parent.end + 1e-3, "track \(track): '\(span.name)' overlaps '\(parent.name)' without nesting", file: file, line: line)
            }
            open.append(span)
        }
    }
}
