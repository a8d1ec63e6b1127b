/// The gateway's token estimate where a provider reports none: about four bytes of UTF-8 text a
/// token (OpenAI's rule of thumb for English; an overestimate for code, an underestimate for
/// CJK text). Every figure it produces is marked as estimated.
public enum TokenEstimate {
    public static func tokens(inBytes bytes: Int) -> Int {
        bytes <= 0 ? 0 : (bytes + 3) / 4
    }
}
