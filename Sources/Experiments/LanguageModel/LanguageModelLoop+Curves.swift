import Plotting
import RunStorage

extension LanguageModelLoop {
    /// `curves.svg`: SFT's loss, then RL's sampled reward, held-out accuracy
    /// and completion length over its steps — what `progress.csv` and
    /// `sft.csv` hold, drawn once the run ends.
    func writeCurves() throws {
        var panels: [LinePlot] = []
        let sft = try CSVTable(path: directory.file("sft.csv"))
        let loss = try sft.points(x: "step", y: "loss")
        if !loss.isEmpty {
            // The loss falls over decades: a log axis where it can take one.
            let logarithmic = loss.allSatisfy { $0.y > 0 }
            panels.append(LinePlot(title: "SFT: next-token loss on worked examples", xLabel: "SFT step",
                                   yLabel: "cross-entropy per token" + (logarithmic ? " (log scale)" : ""),
                                   yScale: logarithmic ? .log10 : .linear, series: [.init(name: "", points: loss)]))
        }
        let progress = try CSVTable(path: directory.progress)
        let reward = try progress.points(x: "step", y: "reward_mean"), accuracy = try progress.points(x: "step", y: "accuracy")
        let length = try progress.points(x: "step", y: "completion_tokens_mean")
        // Only RL steps: a run that stopped after SFT has row 0 alone.
        if reward.count > 1 {
            panels.append(LinePlot(title: "RL: reward of the sampled completions", xLabel: "RL step", yLabel: "mean reward",
                                   yRange: 0...1, series: [.init(name: "", points: reward)]))
            panels.append(LinePlot(title: "RL: held-out accuracy (greedy, longest size)", xLabel: "RL step", yLabel: "exact match",
                                   yRange: 0...1, series: [.init(name: "", points: accuracy)]))
            panels.append(LinePlot(title: "RL: completion length", xLabel: "RL step", yLabel: "tokens per completion",
                                   series: [.init(name: "", points: length)]))
        }
        guard !panels.isEmpty else { return }
        let model = "\(settings.layers) layers × \(settings.dModel) wide"
        let figure = Figure(title: "\(config.env) as text · transformer, \(model) · seed \(config.ppo.seed)", panels: panels)
        try AtomicFile.write(figure.svg(), to: directory.curves)
    }
}
