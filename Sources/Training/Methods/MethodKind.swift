/// The training methods a configuration can name (`method`). Adding a method
/// is one file defining a `MethodDefinition` and one case here.
public enum MethodKind: String, CaseIterable, Sendable {
    /// A generator against a critic: WGAN, WGAN-GP, R1/R2, DRAGAN, hinge, SNGAN, TTUR.
    case adversarial
    /// A logistic critic as log density-ratio estimator, a generator on −E h(d).
    case monoflow
    /// A generator against a gradient-normalized critic (GraN, GN-GAN).
    case gran
    /// MMD GAN: MMD² of critic features over the global batch, witness penalty, KID schedule.
    case mmd
    /// A generator on the sliced Wasserstein distance (Monte Carlo or CLT; raw samples or critic features).
    case sw
    /// A generator on the semi-debiased Sinkhorn divergence (DP-Sinkhorn without privacy).
    case sinkhorn
    /// Trust the Critics: a chain of critics that pushes source samples to the data, no generator.
    case ttc
    /// Conditional transport: a generator and a cooperative navigator, optionally against a feature critic (ACT).
    case ct
    /// The Choquet-Toland distance: a generator against two input-convex maxout critics.
    case choquet

    var definition: any MethodDefinition.Type {
        switch self {
        case .adversarial: AdversarialMethod.self
        case .monoflow: MonoFlowMethod.self
        case .gran: GraNMethod.self
        case .mmd: MMDMethod.self
        case .sw: SlicedWassersteinMethod.self
        case .sinkhorn: SinkhornMethod.self
        case .ttc: TrustTheCriticsMethod.self
        case .ct: ConditionalTransportMethod.self
        case .choquet: ChoquetTolandMethod.self
        }
    }

    /// The method's own configuration keys.
    public var configKeys: [ConfigKey] { definition.configKeys }

    /// Checks the method's keys and their combination with the rest of `config`.
    func validate(_ config: TrainingConfiguration) throws {
        try definition.validate(config)
    }

    /// Builds the method and its networks on one rank.
    public func make(_ setup: MethodSetup) throws -> any TrainingMethod {
        try definition.init(setup)
    }
}

/// A training method as the configuration knows it.
protocol MethodDefinition: TrainingMethod {
    /// Keys of the method's own section (empty when it only uses common keys).
    static var configKeys: [ConfigKey] { get }
    /// Throws a `ConfigError` naming the key when the configuration cannot train this method.
    static func validate(_ config: TrainingConfiguration) throws
    init(_ setup: MethodSetup) throws
}

extension MethodDefinition {
    static var configKeys: [ConfigKey] { [] }
    static func validate(_ config: TrainingConfiguration) throws {}
}
