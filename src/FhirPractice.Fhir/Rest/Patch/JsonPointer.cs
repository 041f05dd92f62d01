namespace FhirPractice.Fhir.Rest.Patch;

/// <summary>
/// An RFC 6901 JSON Pointer, parsed into its unescaped reference tokens. The empty pointer ("")
/// names the whole document.
/// </summary>
public sealed class JsonPointer
{
    public string Text { get; }
    public IReadOnlyList<string> Tokens { get; }

    private JsonPointer(string text, IReadOnlyList<string> tokens)
    {
        Text = text;
        Tokens = tokens;
    }

    public bool IsRoot => Tokens.Count == 0;

    /// <summary>The pointer to the container that holds this pointer's target.</summary>
    public JsonPointer Parent =>
        new(Text[..Text.LastIndexOf('/')], Tokens.Take(Tokens.Count - 1).ToArray());

    public string LastToken => Tokens[^1];

    /// <summary>True when <paramref name="other"/> lies strictly inside the value this pointer names.</summary>
    public bool IsProperPrefixOf(JsonPointer other) =>
        other.Tokens.Count > Tokens.Count && Tokens.SequenceEqual(other.Tokens.Take(Tokens.Count));

    /// <summary>Parses a pointer; null when the text is not a valid pointer.</summary>
    public static JsonPointer? TryParse(string text)
    {
        if (text.Length == 0) return new JsonPointer(text, []);
        if (text[0] != '/') return null;
        var tokens = new List<string>();
        foreach (var raw in text[1..].Split('/'))
        {
            var token = Unescape(raw);
            if (token is null) return null;
            tokens.Add(token);
        }
        return new JsonPointer(text, tokens);
    }

    // "~1" becomes "/" before "~0" becomes "~", so "~01" reads as "~1" (RFC 6901 section 4).
    private static string? Unescape(string raw)
    {
        for (var i = raw.IndexOf('~'); i >= 0; i = raw.IndexOf('~', i + 1))
            if (i == raw.Length - 1 || (raw[i + 1] != '0' && raw[i + 1] != '1')) return null;
        return raw.Replace("~1", "/").Replace("~0", "~");
    }

    /// <summary>
    /// Reads an array index token: digits without leading zeros, below <paramref name="count"/>
    /// (or equal to it, or "-", where <paramref name="allowEnd"/> says the position after the last
    /// element is meant). Null when the token names no such position.
    /// </summary>
    public static int? ArrayIndex(string token, int count, bool allowEnd)
    {
        if (token == "-") return allowEnd ? count : null;
        if (token.Length == 0 || !token.All(char.IsAsciiDigit) || (token.Length > 1 && token[0] == '0')) return null;
        if (!int.TryParse(token, out var index)) return null;
        return index < count || (allowEnd && index == count) ? index : null;
    }

    public override string ToString() => Text;
}
