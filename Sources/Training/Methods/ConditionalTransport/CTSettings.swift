import GAN
import NN

/// The `ct.*` keys of a conditional-transport run, read and checked.
struct CTSettings {
    /// Where the transport cost is measured.
    enum Form: String, CaseIterable {
        /// CT-pytorch's toy `CT`: in sample space, no critic.
        case sample
        /// ACT (CT-pytorch's image code): between L2-normalized critic features; the critic maximizes CT.
        case feature
    }

    let form: Form
    let transport: ConditionalTransport
    let featureDimension: Int
    let navigatorWidth: Int
    let generatorSteps: Int
    let navigatorOptimizer: TrainingConfiguration.OptimizerSettings

    static let keys: [ConfigKey] = [
        ConfigSchema.key(
            "ct.form", "ct-form", .choice(of: Form.self), .string("sample"),
            "ct: sample (the toy CT: cost ‖x − y‖² between samples, navigator on (x − y)², one generator+navigator step) or feature (ACT: cost between L2-normalized critic features, the critic maximizes CT)."),
        ConfigSchema.key("ct.rho", "ct-rho", .float, .float(0.5), "ct: weight ρ of the forward plan (reals choosing fakes); 1 − ρ weighs the backward plan."),
        ConfigSchema.key("ct.feature_dim", "ct-feature-dim", .int, .int(256), "ct (feature form): critic features d (CT-pytorch --dim)."),
        ConfigSchema.key("ct.navigator_width", "ct-navigator-width", .int, .int(100), "ct: navigator MLP d → W → W/2 → 1 with LeakyReLU (toy 100, image 512)."),
        ConfigSchema.key("ct.generator_steps", "ct-generator-steps", .int, .int(1), "ct: generator+navigator updates per iteration (image code 5, reusing the critic step's real batch)."),
        ConfigSchema.key("ct.navigator_lr", "ct-navigator-lr", .float, .float(4e-5), "ct: navigator Adam learning rate (toy 4e-5 = lr/5, image 2e-4)."),
        ConfigSchema.key("ct.navigator_betas", "ct-navigator-betas", .floats(count: 2), .floats([0.9, 0.999]), "ct: navigator Adam betas (toy: PyTorch's defaults, image (0, 0.9))."),
    ]

    init(_ config: TrainingConfiguration) throws {
        let reader = ConfigReader(values: config.values)
        form = try reader.choice("ct.form")
        let rho = try reader.float("ct.rho", atLeast: 0)
        guard rho <= 1 else { throw reader.invalid("ct.rho", "must be in [0, 1], got \(rho)") }
        transport = ConditionalTransport(rho: rho, negateLogits: form == .feature)
        featureDimension = try reader.int("ct.feature_dim", atLeast: 1)
        navigatorWidth = try reader.int("ct.navigator_width", atLeast: 2)
        generatorSteps = try reader.int("ct.generator_steps", atLeast: 1)
        guard case .floats(let betas) = config.values["ct.navigator_betas"] else { throw reader.invalid("ct.navigator_betas", "expected two numbers") }
        for beta in betas where !(beta >= 0 && beta < 1) {
            throw reader.invalid("ct.navigator_betas", "each beta must be in [0, 1), got \(beta)")
        }
        navigatorOptimizer = TrainingConfiguration.OptimizerSettings(
            kind: .adam, learningRate: try reader.float("ct.navigator_lr", positive: true), betas: (Float(betas[0]), Float(betas[1])))
        if form == .feature && ![.mlp, .dcgan].contains(config.model) {
            throw reader.invalid("model.kind", "ct.form feature needs a critic that outputs features: mlp or dcgan, got \(config.model.rawValue)")
        }
    }

    /// The navigator: [P, d] squared differences to [P, 1] scores. PyTorch equivalent:
    /// `nn.Sequential(nn.Linear(d, W), nn.LeakyReLU(), nn.Linear(W, W // 2), nn.LeakyReLU(), nn.Linear(W // 2, 1))`.
    func navigator(inputs: Int, seed: UInt64) -> Sequential {
        let half = navigatorWidth / 2
        return Sequential([
            Linear(inputs: inputs, outputs: navigatorWidth, seed: seed, name: "0"), LeakyReLU(),
            Linear(inputs: navigatorWidth, outputs: half, seed: seed, name: "2"), LeakyReLU(),
            Linear(inputs: half, outputs: 1, seed: seed, name: "4"),
        ])
    }
}
