import XCTest
import Tensor
@testable import NN

/// The transformer learns: trained with Adam on reversing four-digit strings
/// (prompt "d₁d₂d₃d₄>", completion "d₄d₃d₂d₁", loss masked on the prompt),
/// greedy decoding reverses strings it never saw. Deterministic for a seed.
final class TransformerLearningTests: XCTestCase {
    static let separator = 10

    /// Strings 0000…9999 whose number is a multiple of 7 are held out.
    static func isHeldOut(_ digits: [Int]) -> Bool { digits.reduce(0) { 10 * $0 + $1 } % 7 == 0 }

    func testLearnsToReverseDigitStrings() throws {
        let config = try TransformerConfig(vocabularySize: 11, context: 9, layers: 2, dModel: 32, heads: 4)
        var rng = TestRNG(state: 2024)
        var model = Transformer(config: config, rng: &rng)
        var adam = Adam(learningRate: 3e-3, epsilon: 1e-8)
        var ws = Transformer.Workspace()
        var dlogits = Tensor(zeros: [0])
        let steps = 250
        var lastLoss = 0.0
        for _ in 0..<steps {
            var batch = TokenBatch()
            while batch.count < 64 {
                let digits = (0..<4).map { _ in Int(rng.next() % 10) }
                if Self.isHeldOut(digits) { continue }
                batch.append(digits + [Self.separator] + digits.reversed())
            }
            let targets = batch.nextTokenTargets
            let mask = batch.completionMask(promptLengths: Array(repeating: 5, count: batch.count))
            let normaliser = Float(mask.reduce(0, +))
            model.zeroGradients()
            let logits = model.forward(batch, workspace: &ws)
            lastLoss = SoftmaxCrossEntropy.loss(logits: logits, targets: targets, mask: mask, normaliser: normaliser).loss
            SoftmaxCrossEntropy.lossGradient(logits: logits, targets: targets, mask: mask, normaliser: normaliser, into: &dlogits)
            model.backward(batch, logitsGradient: dlogits, workspace: &ws)
            model.scaleGradients(by: GradientClipping.scale(norm: GradientClipping.globalNorm([model]), maxNorm: 1))
            adam.update(&model)
        }
        var heldOut: [[Int]] = []
        var n = 0
        while heldOut.count < 100 {
            let digits = [n / 1000, n / 100 % 10, n / 10 % 10, n % 10]
            if Self.isHeldOut(digits) { heldOut.append(digits) }
            n += 3
        }
        var cache = KVCache(config: config, slots: heldOut.count)
        var rngs = Array(repeating: TestRNG(state: 0), count: heldOut.count)
        let completions = model.generate(prompts: TokenBatch(heldOut.map { $0 + [Self.separator] }), maxNewTokens: 4,
                                         temperature: 0, rngs: &rngs, cache: &cache, workspace: &ws)
        let correct = zip(heldOut, completions).filter { $0.reversed() == $1.tokens }.count
        print("reversal: final training loss \(lastLoss), \(correct)/\(heldOut.count) held-out strings reversed")
        XCTAssertLessThan(lastLoss, 0.05)
        XCTAssertGreaterThanOrEqual(correct, 95)
    }
}
