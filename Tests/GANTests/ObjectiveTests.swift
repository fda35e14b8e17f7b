import Autograd
import GAN
import XCTest

final class ObjectiveTests: XCTestCase {
    private let real = Tensor(shape: [3, 1], scalars: [2, -1, 0.5])
    private let fake = Tensor(shape: [3, 1], scalars: [-0.5, 1.5, 0])

    private func softplus(_ x: Float) -> Float { Foundation.log(1 + Foundation.exp(x)) }

    private func assertTerms(_ actual: Tensor, _ expected: [Float], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.shape, [expected.count], file: file, line: line)
        for (a, e) in zip(actual.scalars, expected) { XCTAssertEqual(a, e, accuracy: 1e-6, file: file, line: line) }
    }

    func testWassersteinCriticAndGeneratorTermsAreTheSignedCriticOutputs() {
        assertTerms(Objective.wasserstein.criticTerms(real: real, fake: fake), [-2.5, 2.5, -0.5])
        assertTerms(Objective.wasserstein.generatorTerms(fake: fake), [0.5, -1.5, 0])
        XCTAssertEqual(Objective.wasserstein.criticLoss(real: real, fake: fake).item, -0.5 / 3, accuracy: 1e-6)
    }

    func testHingeCriticPenalizesOnlyInsideTheMargin() {
        // relu(1 - r) + relu(1 + f): r = 2 -> 0, f = -0.5 -> 0.5 ...
        assertTerms(Objective.hinge.criticTerms(real: real, fake: fake), [0.5, 2 + 2.5, 0.5 + 1])
        assertTerms(Objective.hinge.generatorTerms(fake: fake), [0.5, -1.5, 0])
    }

    func testLogisticObjectivesMatchTheirSoftplusForms() {
        let critic = zip(real.scalars, fake.scalars).map { softplus(-$0) + softplus($1) }
        assertTerms(Objective.nonSaturating.criticTerms(real: real, fake: fake), critic)
        assertTerms(Objective.minimax.criticTerms(real: real, fake: fake), critic)
        assertTerms(Objective.nonSaturating.generatorTerms(fake: fake), fake.scalars.map { softplus(-$0) })
        assertTerms(Objective.minimax.generatorTerms(fake: fake), fake.scalars.map { -softplus($0) })
    }

    func testLeastSquaresUsesLabelsZeroAndOne() {
        let critic = zip(real.scalars, fake.scalars).map { 0.5 * ($0 - 1) * ($0 - 1) + 0.5 * $1 * $1 }
        assertTerms(Objective.leastSquares.criticTerms(real: real, fake: fake), critic)
        assertTerms(Objective.leastSquares.generatorTerms(fake: fake), fake.scalars.map { 0.5 * ($0 - 1) * ($0 - 1) })
    }

    func testObjectivesParseFromTheirConfigNames() {
        XCTAssertEqual(Objective(rawValue: "nonsaturating"), .nonSaturating)
        XCTAssertEqual(Objective(rawValue: "least-squares"), .leastSquares)
        XCTAssertEqual(Objective.allCases.map(\.rawValue), ["wasserstein", "hinge", "nonsaturating", "minimax", "least-squares"])
    }

    func testLogisticObjectivesStayFiniteForLargeCriticOutputs() {
        let big = Tensor([80, -80])
        for objective in [Objective.nonSaturating, .minimax] {
            XCTAssertTrue(objective.criticTerms(real: big, fake: big).scalars.allSatisfy(\.isFinite))
            XCTAssertTrue(objective.generatorTerms(fake: big).scalars.allSatisfy(\.isFinite))
        }
    }
}
