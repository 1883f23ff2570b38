import Foundation
import XCTest
import Environments

final class TextTasksVocabularyTests: XCTestCase {
    private let vocabulary = Vocabulary.standard

    func testTokenIdsAreFixed() throws {
        // Ids are saved in checkpoints: this list may only grow at its end.
        XCTAssertEqual(vocabulary.tokens,
                       ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "+", "*", "=", "|", ">", "T", "D", "<eos>", "<pad>"])
        XCTAssertEqual(Set(vocabulary.tokens).count, vocabulary.count)
        let named = [(Vocabulary.plus, "+"), (Vocabulary.times, "*"), (Vocabulary.equals, "="), (Vocabulary.stepEnd, "|"),
                     (Vocabulary.answerMark, ">"), (Vocabulary.think, "T"), (Vocabulary.direct, "D"),
                     (Vocabulary.eos, "<eos>"), (Vocabulary.pad, "<pad>")]
        for (id, text) in named { XCTAssertEqual(vocabulary.tokens[id], text) }
        for d in 0...9 { XCTAssertEqual(vocabulary.tokens[Vocabulary.digit(d)], "\(d)") }
        let json = try JSONEncoder().encode(vocabulary)
        XCTAssertEqual(try JSONDecoder().decode(Vocabulary.self, from: json), vocabulary)
        XCTAssertEqual(String(decoding: json, as: UTF8.self).prefix(11), "{\"tokens\":[")
    }

    func testEncodeDecodeRoundTrips() {
        XCTAssertEqual(vocabulary.encode("95+08="), [9, 5, 10, 0, 8, 12])
        XCTAssertEqual(vocabulary.encode("T5831|>103<eos><pad>"), [15, 5, 8, 3, 1, 13, 14, 1, 0, 3, 17, 18])
        for text in ["", "0123456789", "473*8=", "T5831|9001|>103<eos>", "D103<eos>", "<eos><eos>>", "<pad>"] {
            XCTAssertEqual(vocabulary.encode(text).map(vocabulary.decode), text)
        }
        let all = Array(0..<vocabulary.count)
        XCTAssertEqual(vocabulary.encode(vocabulary.decode(all)), all)
    }

    func testUnknownTextAndIdsDoNotTrap() {
        for text in ["95-8", "<bos>", "<", "<eos", "t", " 1"] { XCTAssertNil(vocabulary.encode(text), text) }
        XCTAssertEqual(vocabulary.decode([1, 99, -1]), "1<?99><?-1>")
    }
}
