import NN

extension Adam {
    /// The language model's optimiser, for SFT and RL alike: Adam with
    /// β₂ 0.99, as nanoGPT and the PyTorch prototype train.
    public static func languageModel(learningRate: Double) -> Adam {
        Adam(learningRate: Float(learningRate), beta1: 0.9, beta2: 0.99, epsilon: 1e-8)
    }
}
