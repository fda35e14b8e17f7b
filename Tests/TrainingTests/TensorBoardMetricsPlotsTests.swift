import Plot
import Data
import Foundation
import Training
import XCTest

/// metrics.jsonl reading and the PNG plots `tandem plot` writes (Sources/Training/Plots).
final class TensorBoardMetricsPlotsTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-metrics-plots-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private let sample = """
        {"step": 10, "time": 0.5, "critic_loss": -1.5, "penalty": 0.25, "generator_loss": 2, "critic_distance": 1.25, "ranks": 2}
        not json at all

        {"step": 20, "time": 1.0, "critic_loss": null, "penalty": 0.125, "generator_loss": 1.5, "critic_distance": 1, "eval_fid": 40.5}
        {"time": 2.0, "critic_loss": 3}
        [1, 2, 3]
        {"step": "30", "critic_loss": 1}
        {"step": 30, "critic_loss": -0.5, "generator_loss": 1, "eval_fid": 35, "eval_modes": 7, "eval_one": 1, "eval_zero": 0, "note": "text", "flag": true, "list": [1]}
        {"step": 40, "critic_loss": -0.25, "generator_loss": 0.75
        """

    func testHistoryPairsEachNumericKeyWithItsLineStepAndCountsMalformedLines() {
        let history = MetricsHistory(jsonLines: sample)
        XCTAssertEqual(history.lineCount, 3)
        XCTAssertEqual(history.malformedLines, [2, 5, 6, 7, 9])
        XCTAssertEqual(history.series["critic_loss"]?.map(\.step), [10, 20, 30])
        let critic = history.series["critic_loss"]?.map(\.value) ?? []
        XCTAssertEqual(critic.count, 3)
        XCTAssertEqual(critic[0], -1.5)
        XCTAssertTrue(critic[1].isNaN, "null is a gap")
        XCTAssertEqual(critic[2], -0.5)
        XCTAssertEqual(history.series["generator_loss"]?.map(\.value), [2, 1.5, 1])
        XCTAssertEqual(history.series["penalty"], [.init(step: 10, value: 0.25), .init(step: 20, value: 0.125)])
        XCTAssertEqual(history.series["eval_fid"], [.init(step: 20, value: 40.5), .init(step: 30, value: 35)])
        XCTAssertEqual(history.series["ranks"]?.map(\.value), [2])
        XCTAssertNil(history.series["step"])
        XCTAssertNil(history.series["note"], "strings are not plotted")
        XCTAssertNil(history.series["flag"], "booleans are not plotted")
        XCTAssertNil(history.series["list"])
        XCTAssertEqual(history.evaluationKeys, ["eval_fid", "eval_modes", "eval_one", "eval_zero"])
        XCTAssertEqual(history.series["eval_one"]?.map(\.value), [1], "the numbers 1 and 0 are not booleans")
        XCTAssertEqual(history.series["eval_zero"]?.map(\.value), [0])
    }

    func testFiguresAreLossesPenaltyDistanceAndOnePerEvaluationKey() {
        let figures = MetricsPlots.figures(for: MetricsHistory(jsonLines: sample))
        XCTAssertEqual(figures.map(\.fileName), [
            "losses.png", "penalty.png", "distance.png", "eval_fid.png", "eval_modes.png", "eval_one.png", "eval_zero.png",
        ])
        XCTAssertEqual(figures[0].keys, ["critic_loss", "generator_loss"])
        XCTAssertEqual(figures[2].keys, ["critic_distance"])
        let onlyLosses = MetricsPlots.figures(for: MetricsHistory(jsonLines: #"{"step": 1, "generator_loss": 0.5}"#))
        XCTAssertEqual(onlyLosses.map(\.fileName), ["losses.png"], "figures without data are left out")
        XCTAssertTrue(MetricsPlots.figures(for: MetricsHistory(jsonLines: "")).isEmpty)
    }

    func testPlotsAreWrittenAsPNGFilesOfTheRequestedSize() throws {
        let metrics = directory.appendingPathComponent("metrics.jsonl")
        try Data(sample.utf8).write(to: metrics)
        let history = try MetricsHistory.read(from: metrics)
        let plots = directory.appendingPathComponent("plots")
        let written = try MetricsPlots.write(history, to: plots, width: 320, height: 200)
        XCTAssertEqual(written.map(\.lastPathComponent), [
            "losses.png", "penalty.png", "distance.png", "eval_fid.png", "eval_modes.png", "eval_one.png", "eval_zero.png",
        ])
        for url in written {
            XCTAssertEqual(url.deletingLastPathComponent().path, plots.path)
            let bytes = [UInt8](try Data(contentsOf: url))
            XCTAssertEqual(Array(bytes.prefix(8)), PNGEncoder.signature)
            func bigEndian(_ at: Int) -> Int { (at..<(at + 4)).reduce(0) { $0 << 8 | Int(bytes[$1]) } }
            XCTAssertEqual(String(decoding: bytes[12..<16], as: UTF8.self), "IHDR")
            XCTAssertEqual(bigEndian(16), 320, url.lastPathComponent)
            XCTAssertEqual(bigEndian(20), 200, url.lastPathComponent)
        }
        let losses = MetricsPlots.plot(MetricsPlots.figures(for: history)[0], from: history)
        XCTAssertEqual(losses.series.map(\.name), ["critic_loss", "generator_loss"])
        XCTAssertEqual(losses.xAxis.lower, 10, accuracy: 1e-9)
        XCTAssertEqual(losses.xAxis.upper, 30, accuracy: 1e-9)
        XCTAssertLessThanOrEqual(losses.yAxis.lower, -1.5)
        XCTAssertGreaterThanOrEqual(losses.yAxis.upper, 2)
    }

    func testMissingMetricsFileIsAOneLineErrorNamingIt() {
        let missing = directory.appendingPathComponent("run/metrics.jsonl")
        XCTAssertThrowsError(try MetricsHistory.read(from: missing)) { error in
            XCTAssertEqual(error as? MetricsPlotError, .missingMetrics(path: missing.path))
            XCTAssertTrue("\(error)".hasPrefix("metrics file \(missing.path) does not exist"), "\(error)")
            XCTAssertFalse("\(error)".contains("\n"))
        }
    }
}
