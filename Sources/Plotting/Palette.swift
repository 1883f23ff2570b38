/// Series colours: the Okabe–Ito palette, distinguishable with the common
/// forms of colour blindness and in greyscale print. Yellow comes last
/// because it is faint on white.
public enum Palette {
    public static let okabeIto: [String] = [
        "#0072B2", // blue
        "#D55E00", // vermillion
        "#009E73", // bluish green
        "#CC79A7", // reddish purple
        "#E69F00", // orange
        "#56B4E9", // sky blue
        "#000000", // black
        "#F0E442", // yellow
    ]

    /// The colour for series number `index`, cycling.
    public static func color(_ index: Int) -> String {
        okabeIto[((index % okabeIto.count) + okabeIto.count) % okabeIto.count]
    }
}
