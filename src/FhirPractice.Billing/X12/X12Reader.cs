namespace FhirPractice.Billing.X12;

/// <summary>
/// Reads an interchange: delimiters from its ISA, then every segment into its envelope (ISA/GS/ST … SE/GE/IEA),
/// checking segment, transaction and group counts and that each trailer's control number matches its header.
/// Any fault is an <see cref="X12FormatException"/> naming the segment and its position.
/// </summary>
public static class X12Reader
{
    public static X12Interchange Read(string text)
    {
        var delimiters = X12Delimiters.FromIsa(text);
        var segments = Split(text, delimiters);
        var isa = segments[0];
        if (isa.Count != 16) throw new X12FormatException("ISA", 1, $"ISA has {isa.Count} elements, not 16");

        var groups = new List<X12FunctionalGroup>();
        X12Segment? gs = null, st = null;
        List<X12TransactionSet>? transactions = null;
        List<X12Segment>? current = null;
        for (var i = 1; i < segments.Count; i++)
        {
            var s = segments[i];
            if (current is not null && s.Id != "SE")
            {
                if (s.Id is "ISA" or "GS" or "ST" or "GE" or "IEA")
                    throw new X12FormatException(s.Id, s.Position, $"{s.Id} inside transaction set {st![2]} (ST at segment {st.Position}), before its SE");
                current.Add(s);
                continue;
            }
            switch (s.Id)
            {
                case "GS" when gs is null:
                    gs = s;
                    transactions = [];
                    break;
                case "ST" when gs is not null:
                    st = s;
                    current = [s];
                    break;
                case "SE" when current is not null:
                    current.Add(s);
                    if (s[1] != current.Count.ToString())
                        throw new X12FormatException("SE", s.Position, $"SE01 says {s[1]} segments, transaction set {st![2]} has {current.Count}");
                    if (s[2] != st![2])
                        throw new X12FormatException("SE", s.Position, $"SE02 '{s[2]}' does not match ST02 '{st[2]}'");
                    transactions!.Add(new X12TransactionSet(current));
                    current = null;
                    break;
                case "GE" when gs is not null:
                    if (s[1] != transactions!.Count.ToString())
                        throw new X12FormatException("GE", s.Position, $"GE01 says {s[1]} transaction sets, group {gs[6]} has {transactions.Count}");
                    if (s[2] != gs[6])
                        throw new X12FormatException("GE", s.Position, $"GE02 '{s[2]}' does not match GS06 '{gs[6]}'");
                    groups.Add(new X12FunctionalGroup(gs, transactions));
                    gs = null;
                    break;
                case "IEA" when gs is null:
                    if (s[1] != groups.Count.ToString())
                        throw new X12FormatException("IEA", s.Position, $"IEA01 says {s[1]} functional groups, the interchange has {groups.Count}");
                    if (s[2] != isa[13])
                        throw new X12FormatException("IEA", s.Position, $"IEA02 '{s[2]}' does not match ISA13 '{isa[13]}'");
                    if (i != segments.Count - 1)
                        throw new X12FormatException(segments[i + 1].Id, segments[i + 1].Position, "segment after IEA");
                    return new X12Interchange(delimiters, isa, groups);
                default:
                    throw new X12FormatException(s.Id, s.Position, gs is null
                        ? $"{s.Id} outside a functional group (expected GS or IEA)"
                        : $"{s.Id} outside a transaction set (expected ST or GE)");
            }
        }
        var last = segments[^1];
        var missing = current is not null ? "SE" : gs is not null ? "GE" : "IEA";
        throw new X12FormatException(last.Id, last.Position, $"the interchange ends here without its {missing}{(missing == "IEA" ? "" : " and IEA")}");
    }

    /// <summary>The segments in order; line breaks after a terminator are ignored, text after the last terminator means the file is truncated.</summary>
    private static List<X12Segment> Split(string text, X12Delimiters delimiters)
    {
        var segments = new List<X12Segment>();
        var start = 0;
        while (start < text.Length)
        {
            while (start < text.Length && text[start] is '\r' or '\n') start++;
            if (start >= text.Length) break;
            var end = text.IndexOf(delimiters.Segment, start);
            var position = segments.Count + 1;
            if (end < 0)
            {
                var rest = text[start..];
                var id = rest.Split(delimiters.Element)[0];
                throw new X12FormatException(id.Length is >= 2 and <= 3 ? id : "(truncated)", position,
                    $"the file is truncated: '{(rest.Length > 40 ? rest[..40] + "…" : rest)}' has no segment terminator '{delimiters.Segment}'");
            }
            var fields = text[start..end].Split(delimiters.Element);
            var segmentId = fields[0];
            if (segmentId.Length is < 2 or > 3 || !segmentId.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c)))
                throw new X12FormatException(segmentId.Length > 10 ? segmentId[..10] + "…" : segmentId, position,
                    $"'{segmentId}' is not a segment id; are the delimiters the ISA declares ('{delimiters.Element}', '{delimiters.Segment}') the ones the file uses?");
            segments.Add(new X12Segment(segmentId, fields[1..], position, delimiters));
            start = end + 1;
        }
        return segments;
    }
}
