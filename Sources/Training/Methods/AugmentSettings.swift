import GAN

/// Augmentation of the critic's inputs (`augment.kind`).
public enum AugmentKind: String, CaseIterable, Sendable {
    case none
    /// DiffAugment: the transforms of `augment.policy` on every critic input.
    case diffaugment
    /// Adaptive augmentation: every transform with a probability p steered by the critic's sign on real samples.
    case ada
}

/// The `augment.*` section of the adversarial method, read and checked.
public struct AugmentSettings: Sendable {
    public let kind: AugmentKind
    /// DiffAugment's transforms, in order.
    public let policy: [DiffAugmentTransform]
    /// ADA: p at the start of a run.
    public let initialProbability: Float
    /// ADA: the wanted mean sign of the critic on real samples.
    public let target: Double
    /// ADA: critic steps between updates of p.
    public let interval: Int
    /// ADA: thousands of real images over which p can move by 1.
    public let kimg: Double

    static let keys: [ConfigKey] = [
        ConfigSchema.key("augment.kind", "augment", .choice(of: AugmentKind.self), .string("none"), "Augment every critic input (real, generated, penalty points): none, diffaugment (a fixed policy), or ada (adaptive probability)."),
        ConfigSchema.key("augment.policy", "augment-policy", .string, .string("color,translation,cutout"), "diffaugment: comma-separated transforms applied in order: color, translation, cutout."),
        ConfigSchema.key("augment.p", "augment-p", .float, .float(0), "ada: the probability of each transform at the start of the run."),
        ConfigSchema.key("augment.target", "ada-target", .float, .float(0.6), "ada: the mean sign of the critic on augmented real samples that p steers towards, in (0, 1)."),
        ConfigSchema.key("augment.ada_interval", "ada-interval", .int, .int(4), "ada: critic steps between updates of p."),
        ConfigSchema.key("augment.ada_kimg", "ada-kimg", .float, .float(500), "ada: thousands of real images over which p can move from 0 to 1."),
    ]

    /// Reads and checks the section against the rest of `config`.
    public init(_ config: TrainingConfiguration) throws {
        let reader = ConfigReader(values: config.values)
        kind = try reader.choice("augment.kind")
        policy = try Self.policy(reader)
        initialProbability = try reader.float("augment.p", atLeast: 0)
        guard initialProbability <= 1 else { throw reader.invalid("augment.p", "must be in [0, 1], got \(initialProbability)") }
        target = Double(try reader.float("augment.target"))
        guard target > 0 && target < 1 else { throw reader.invalid("augment.target", "must be in (0, 1), got \(formatNumber(target))") }
        interval = try reader.int("augment.ada_interval", atLeast: 1)
        kimg = Double(try reader.float("augment.ada_kimg", positive: true))
        if kind != .none, case .toy = config.dataset {
            throw reader.invalid("augment.kind", "\(kind.rawValue) augments images, the data (\(config.dataset.rawValue)) holds 2-D points")
        }
    }

    private static func policy(_ reader: ConfigReader) throws -> [DiffAugmentTransform] {
        let names = try reader.string("augment.policy").split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace() }
        let choices = DiffAugmentTransform.allCases.map(\.rawValue).joined(separator: ", ")
        return try names.map { name in
            guard let transform = DiffAugmentTransform(rawValue: name) else {
                throw reader.invalid("augment.policy", "unknown transform '\(name)' (expected a comma-separated list of \(choices))")
            }
            return transform
        }
    }

    /// Refuses data the augmentation cannot transform (points, or non-square images for quarter turns).
    func check(sampleShape: [Int], config: TrainingConfiguration) throws {
        guard kind != .none else { return }
        let reader = ConfigReader(values: config.values)
        guard sampleShape.count == 3 else {
            throw reader.invalid("augment.kind", "\(kind.rawValue) augments images, the data's samples have shape \(sampleShape)")
        }
        if kind == .ada && sampleShape[1] != sampleShape[2] {
            throw reader.invalid("augment.kind", "ada turns images by quarter turns and needs square ones, the data's are \(sampleShape[1])x\(sampleShape[2])")
        }
    }
}
