// Bare environment throughput on one core: random actions from a seeded RNG,
// the observation written into a buffer every step, auto-reset at episode end.
// Prints a markdown table of steps/s, the median of several ~1 s runs.
//
//   swift run -c release env-benchmark [runs] [seconds-per-run]
import Environments
import Foundation
import RL

let arguments = CommandLine.arguments.dropFirst()
let runs = arguments.first.flatMap { Int($0) }.map { max($0, 1) } ?? 7
let secondsPerRun = arguments.dropFirst().first.flatMap { Double($0) }.map { max($0, 0.01) } ?? 1.0

struct RunResult {
    var stepsPerSecond: Double
    var steps: Int
    var episodes: Int
    var checksum: Double
}

/// Steps `env` for about `seconds` seconds; the clock is read every 4096 steps.
func run<E: Environment>(_ env: inout E, rng: inout RNG, seconds: Double) -> RunResult {
    let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: env.observationSize)
    defer { buffer.deallocate() }
    let actionCount = env.actionCount
    env.reset(rng: &rng)
    env.writeObservation(into: buffer)
    var steps = 0
    var episodes = 0
    var checksum = 0.0
    let clock = ContinuousClock()
    let begin = clock.now
    let deadline = begin + .nanoseconds(Int64(seconds * 1e9))
    var now = begin
    while now < deadline {
        for _ in 0..<4096 {
            let outcome = env.step(rng.int(below: actionCount), rng: &rng)
            checksum += Double(outcome.reward)
            if outcome.episodeEnded {
                episodes += 1
                env.reset(rng: &rng)
            }
            env.writeObservation(into: buffer)
        }
        steps += 4096
        checksum += Double(buffer[steps % env.observationSize])
        now = clock.now
    }
    let elapsed = begin.duration(to: now)
    let secondsTaken = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    return RunResult(stepsPerSecond: Double(steps) / secondsTaken, steps: steps, episodes: episodes, checksum: checksum)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

func formatted(_ value: Double) -> String {
    let digits = String(Int(value.rounded()))
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return out
}

print("Gridworld stepping on one thread: random actions, observation written every step, auto-reset.")
print("\(runs) runs of ~\(secondsPerRun) s each per layout; steps/s median (min–max).\n")
print("| layout | obs floats | steps/s (median) | min | max | mean episode length |")
print("|---|---:|---:|---:|---:|---:|")
for layout in ["empty-8", "fourrooms"] {
    let map: GridMap
    do {
        map = try GridMap.layout(named: layout)
    } catch {
        print("error: \(error)")
        exit(1)
    }
    var env = GridworldEnvironment(map: map)
    var rng = RNG(seed: 1).stream("env-benchmark")
    _ = run(&env, rng: &rng, seconds: min(0.2, secondsPerRun))  // warm-up
    var rates: [Double] = []
    var lengths: [Double] = []
    var checksum = 0.0
    for _ in 0..<runs {
        let result = run(&env, rng: &rng, seconds: secondsPerRun)
        rates.append(result.stepsPerSecond)
        lengths.append(Double(result.steps) / Double(max(result.episodes, 1)))
        checksum += result.checksum
    }
    precondition(checksum.isFinite)
    print(
        "| \(layout) | \(env.observationSize) | \(formatted(median(rates))) | \(formatted(rates.min()!)) | \(formatted(rates.max()!)) | \(String(format: "%.1f", median(lengths))) |"
    )
}
