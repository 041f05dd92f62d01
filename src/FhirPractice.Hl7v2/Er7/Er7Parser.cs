using System.Text;

namespace FhirPractice.Hl7v2.Er7;

/// <summary>
/// Reads ER7 (pipe-and-hat) text into <see cref="Er7Message"/> and <see cref="Er7Batch"/>.
/// <list type="bullet">
/// <item>Segments end at CR, LF or CRLF; empty lines (anywhere, including trailing ones) are skipped;
/// a leading byte order mark is ignored.</item>
/// <item>The delimiters come from the message's own MSH-1 and MSH-2 (or FHS/BHS for a batch's envelope).</item>
/// <item>Byte input is decoded in the character set MSH-18 names (<see cref="CharacterSets"/>).</item>
/// <item>Every step is a single forward pass, so time grows linearly with the input however long its lines
/// or however many its fields and segments.</item>
/// </list>
/// Faults are reported as <see cref="Er7ParseException"/> naming the segment and field.
/// </summary>
public static class Er7Parser
{
    private static readonly byte[] Utf8ByteOrderMark = [0xEF, 0xBB, 0xBF];

    public static Er7Message Parse(string text)
    {
        var lines = SplitSegments(text);
        if (lines.Count == 0) throw new Er7ParseException("no segments: the input is empty", 0, null);
        return ParseMessage(lines, 0, lines.Count);
    }

    public static Er7Message Parse(ReadOnlySpan<byte> bytes) => Parse(Decode(bytes));

    public static Er7Batch ParseBatch(string text) => Er7BatchReader.Read(SplitSegments(text));

    public static Er7Batch ParseBatch(ReadOnlySpan<byte> bytes) => ParseBatch(Decode(bytes));

    /// <summary>The non-empty lines of the input, in order; positions in this list name segments in errors.</summary>
    internal static List<string> SplitSegments(string text)
    {
        var start = text.StartsWith('\uFEFF') ? 1 : 0;
        var lines = new List<string>();
        while (start < text.Length)
        {
            var end = text.AsSpan(start).IndexOfAny('\r', '\n');
            if (end < 0) end = text.Length - start;
            if (end > 0) lines.Add(text.Substring(start, end));
            start += end + 1;
        }
        return lines;
    }

    /// <summary>Parses lines[first..first+count) as one message; the first line must be its MSH.</summary>
    internal static Er7Message ParseMessage(List<string> lines, int first, int count)
    {
        var header = lines[first];
        var headerId = ReadSegmentId(header, first + 1);
        if (headerId != "MSH")
            throw new Er7ParseException("a message must begin with an MSH segment", first + 1, headerId);
        var delimiters = Delimiters.ReadFromHeader(header, first + 1);

        var segments = new List<Segment>(count);
        for (var i = first; i < first + count; i++)
        {
            var segment = ParseSegment(lines[i], i + 1, delimiters);
            if (i > first && segment.Id == "MSH")
                throw new Er7ParseException("a second MSH: several messages are a batch (use ParseBatch)", i + 1, "MSH");
            segments.Add(segment);
        }

        var characterSetName = FirstValue(segments[0][18]);
        var characterSet = CharacterSets.FromMsh18(characterSetName)
            ?? throw new Er7ParseException(
                $"character set '{characterSetName}' is not supported (supported: {CharacterSets.Supported})", first + 1, "MSH", 18);

        var message = new Er7Message(delimiters, characterSet);
        message.Segments.AddRange(segments);
        return message;
    }

    internal static Segment ParseSegment(string line, int index, Delimiters delimiters)
    {
        var segment = new Segment(ReadSegmentId(line, index));
        if (line.Length == 3) return segment;
        if (line[3] != delimiters.Field)
            throw new Er7ParseException(
                $"segment id must be 3 letters or digits followed by the field separator '{delimiters.Field}'", index, line[..3]);

        var position = 4;
        if (segment.IsHeader)
        {
            if (Delimiters.ReadFromHeader(line, index) != delimiters)
                throw new Er7ParseException("declares other delimiters than the enclosing header", index, segment.Id, 2);
            segment.AddDelimiterFields(delimiters);
            position = 4 + delimiters.EncodingCharacters.Length;
            if (position == line.Length) return segment;
            position++; // past the separator after MSH-2
        }

        while (true)
        {
            var end = line.IndexOf(delimiters.Field, position);
            if (end < 0) end = line.Length;
            segment.Fields.Add(ParseField(line.AsSpan(position, end - position), delimiters));
            if (end == line.Length) return segment;
            position = end + 1;
        }
    }

    private static string ReadSegmentId(string line, int index)
    {
        if (line.Length < 3 || !char.IsAsciiLetterOrDigit(line[0]) || !char.IsAsciiLetterOrDigit(line[1]) || !char.IsAsciiLetterOrDigit(line[2]))
        {
            var shown = line.Length > 3 ? line[..3] : line;
            throw new Er7ParseException("segment id must be 3 letters or digits", index, shown);
        }
        return line[..3];
    }

    private static Field ParseField(ReadOnlySpan<char> text, Delimiters delimiters)
    {
        var field = new Field();
        foreach (var repetitionRange in text.Split(delimiters.Repetition))
        {
            var repetitionText = text[repetitionRange];
            var repetition = new Repetition();
            foreach (var componentRange in repetitionText.Split(delimiters.Component))
            {
                var componentText = repetitionText[componentRange];
                var component = new Component();
                foreach (var subRange in componentText.Split(delimiters.Subcomponent))
                    component.Subcomponents.Add(componentText[subRange].ToString());
                repetition.Components.Add(component);
            }
            field.Repetitions.Add(repetition);
        }
        return field;
    }

    /// <summary>The first subcomponent of the first repetition, unescaped (MSH-18's codes contain no escapes).</summary>
    private static string? FirstValue(Field? field) =>
        field?.Repetitions[0].Components[0].Subcomponents[0] is { Length: > 0 } value ? value : null;

    /// <summary>
    /// Decodes bytes in the character set named by the first MSH-18 in them. The header is read byte for
    /// byte first (every supported set agrees with ASCII there), then the whole input in the named set.
    /// </summary>
    private static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(Utf8ByteOrderMark)) bytes = bytes[3..];
        var lines = SplitSegments(Encoding.Latin1.GetString(bytes[..HeaderRegionLength(bytes)]));
        var characterSet = lines.Count == 0
            ? CharacterSets.FromMsh18(null)!
            : ParseMessage(lines, lines.Count - 1, 1).CharacterSet;
        try
        {
            return characterSet.GetString(bytes);
        }
        catch (DecoderFallbackException fault)
        {
            throw new Er7ParseException(
                $"the bytes are not valid {characterSet.WebName} ({fault.Message})", 0, null);
        }
    }

    // The lines up to and including the first one that starts with MSH (FHS and BHS come before it);
    // nothing when there is none, and the message parse then reports the missing MSH.
    private static int HeaderRegionLength(ReadOnlySpan<byte> bytes)
    {
        for (var start = 0; start < bytes.Length;)
        {
            var end = bytes[start..].IndexOfAny((byte)'\r', (byte)'\n');
            var lineEnd = end < 0 ? bytes.Length : start + end;
            if (bytes[start..lineEnd].StartsWith("MSH"u8)) return lineEnd;
            start = lineEnd + 1;
        }
        return 0;
    }
}
