import Foundation
import XCTest
import RL
import TestSupport
@testable import Environments

/// Issue #7, item 4, for map files: random and mutated maps must give an
/// error or a map, never a trap and never a hang; a map that parses must make
/// a working environment. Seeded, so a failure reproduces; 6,000 inputs, well
/// under a second in release mode. `Mutator` and `fuzz` are TestSupport's.
final class GridMapFuzzTests: XCTestCase {
    func testMapParser() throws {
        var mutator = Mutator(rng: RNG(seed: 2024))
        let seeds = try ["fourrooms", "empty-5", "empty-12"].map { Array(try GridMap.layout(named: $0).description.utf8) }
            + [Array("#####\n#S..#\n#.#.#\n#..G#\n#####\n".utf8), Array("S.\r\n.G\r\n".utf8), Array("#   #\n# # #\n".utf8)]
        var inputs: [[UInt8]] = []
        let alphabet = Array("#. SG\n\r\t x".utf8)
        for _ in 0..<1_500 { inputs.append(mutator.randomBytes(maxCount: 80, alphabet: alphabet)) }
        for _ in 0..<500 { inputs.append(mutator.randomBytes(maxCount: 80)) }
        for i in 0..<4_000 { inputs.append(mutator.mutate(seeds[i % seeds.count])) }
        var messages = 0
        let (accepted, refused) = fuzz(inputs, "map parser") { bytes in
            do {
                let map = try GridMap(parsing: String(decoding: bytes, as: UTF8.self), source: "fuzz.map")
                // A map that parses must make a working environment.
                var env = GridworldEnvironment(map: map)
                var rng = RNG(seed: 1)
                env.reset(rng: &rng)
                _ = env.step(rng.int(below: 4), rng: &rng)
                return true
            } catch {
                let text = "\(error)"
                if text.hasPrefix("fuzz.map") && !text.contains("\n") { messages += 1 }
                return false
            }
        }
        XCTAssertEqual(messages, refused, "every refusal is one line naming the file")
        XCTAssertGreaterThan(accepted, 100)
        XCTAssertGreaterThan(refused, 1_000)
    }
}
