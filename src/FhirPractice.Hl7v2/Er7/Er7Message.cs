using System.Text;

namespace FhirPractice.Hl7v2.Er7;

/// <summary>
/// One HL7 v2 message: its delimiters, the character set MSH-18 names, and its segments in order
/// (Z-segments and segments this code does not know included).
/// <para>
/// Value access by <see cref="Er7Path"/>: <see cref="Get"/> returns decoded text, <see cref="GetRaw"/> the
/// ER7 text as received. Both return null where the message has nothing, never throwing for a missing
/// segment, field, repetition, component or subcomponent. An empty value (<c>||</c>) reads as null; the
/// explicit null <c>""</c> reads as the two quote characters, which <see cref="IsExplicitNull"/> tests for.
/// </para>
/// </summary>
public sealed class Er7Message(Delimiters delimiters, Encoding characterSet)
{
    /// <summary>The ER7 explicit null: "delete the value the receiver holds", unlike an empty value.</summary>
    public const string ExplicitNull = "\"\"";

    public Delimiters Delimiters { get; } = delimiters;

    /// <summary>The character set from MSH-18, used for EX..E sequences and by <see cref="EncodeBytes"/>.</summary>
    public Encoding CharacterSet { get; } = characterSet;

    public List<Segment> Segments { get; } = [];

    /// <summary>The segments with this id, in message order.</summary>
    public IEnumerable<Segment> SegmentsWithId(string id) => Segments.Where(s => s.Id == id);

    /// <summary>The <paramref name="occurrence"/>-th (1-based) segment with this id, or null.</summary>
    public Segment? FindSegment(string id, int occurrence = 1)
    {
        foreach (var segment in Segments)
            if (segment.Id == id && --occurrence == 0) return segment;
        return null;
    }

    /// <summary>
    /// The decoded value at <paramref name="path"/>. A path that stops at the field or component reads its
    /// first component and subcomponent (PID-5 reads PID-5-1-1); MSH-1 and MSH-2 read the delimiters themselves.
    /// </summary>
    public string? Get(string path)
    {
        var at = Er7Path.Parse(path);
        var raw = RawValue(at);
        if (raw is null || IsDelimiterField(at)) return raw;
        return EscapeSequences.Decode(raw, Delimiters, CharacterSet);
    }

    /// <summary>
    /// The ER7 text at <paramref name="path"/>, escape sequences and inner delimiters included: the whole
    /// field (all repetitions) for PID-3, one repetition for PID-3(2), one component for PID-3-1.
    /// </summary>
    public string? GetRaw(string path)
    {
        var at = Er7Path.Parse(path);
        if (at.Subcomponent is not null) return RawValue(at);
        var text = new StringBuilder();
        if (at.Component is not null)
        {
            if (ComponentAt(at) is { } component) Er7Encoder.WriteComponent(text, component, Delimiters);
        }
        else if (at.Repetition is not null)
        {
            if (RepetitionAt(at) is { } repetition) Er7Encoder.WriteRepetition(text, repetition, Delimiters);
        }
        else if (FieldAt(at) is { } field) Er7Encoder.WriteField(text, field, Delimiters);
        return text.Length == 0 ? null : text.ToString();
    }

    public bool IsExplicitNull(string path) => RawValue(Er7Path.Parse(path)) == ExplicitNull;

    /// <summary>
    /// Sets the value at <paramref name="path"/> (the same slot <see cref="Get"/> reads), escaping it, and
    /// creates the segment (appended at the end), field, repetition, component and subcomponent when
    /// missing; a new MSH gets its delimiters in MSH-1 and MSH-2. Null or "" clears the value; pass
    /// <see cref="ExplicitNull"/> to send an explicit null.
    /// </summary>
    public void Set(string path, string? value)
    {
        var at = Er7Path.Parse(path);
        if (IsDelimiterField(at))
            throw new InvalidOperationException($"{at.SegmentId}-{at.Field} holds the delimiters, which are fixed when the message is created.");

        for (var count = SegmentsWithId(at.SegmentId).Count(); count < at.Occurrence; count++)
            Segments.Add(NewSegment(at.SegmentId));
        var segment = FindSegment(at.SegmentId, at.Occurrence)!;

        var field = Grow(segment.Fields, at.Field);
        var repetition = Grow(field.Repetitions, at.Repetition ?? 1);
        var component = Grow(repetition.Components, at.Component ?? 1);
        while (component.Subcomponents.Count < (at.Subcomponent ?? 1)) component.Subcomponents.Add("");
        var escaped = value == ExplicitNull ? value : EscapeSequences.Encode(value ?? "", Delimiters);
        component.Subcomponents[(at.Subcomponent ?? 1) - 1] = escaped;
    }

    /// <summary>The message as ER7 text, every segment terminated by a CR.</summary>
    public string Encode()
    {
        var text = new StringBuilder();
        foreach (var segment in Segments) Er7Encoder.WriteSegment(text, segment, Delimiters);
        return text.ToString();
    }

    /// <summary>
    /// The message as bytes in its own character set, without a byte order mark. Text the set cannot hold
    /// (say, "é" in a message declared ASCII) throws <see cref="EncoderFallbackException"/>.
    /// </summary>
    public byte[] EncodeBytes() => CharacterSet.GetBytes(Encode());

    // Each level defaults to the first of the one below when the path stops above it.
    private Field? FieldAt(Er7Path at) => FindSegment(at.SegmentId, at.Occurrence)?[at.Field];

    private Repetition? RepetitionAt(Er7Path at) =>
        FieldAt(at) is { } field ? ElementAt(field.Repetitions, at.Repetition ?? 1) : null;

    private Component? ComponentAt(Er7Path at) =>
        RepetitionAt(at) is { } repetition ? ElementAt(repetition.Components, at.Component ?? 1) : null;

    private string? RawValue(Er7Path at)
    {
        var raw = ComponentAt(at) is { } component ? ElementAt(component.Subcomponents, at.Subcomponent ?? 1) : null;
        return string.IsNullOrEmpty(raw) ? null : raw;
    }

    private Segment NewSegment(string id)
    {
        var segment = new Segment(id);
        if (segment.IsHeader) segment.AddDelimiterFields(Delimiters);
        return segment;
    }

    private static bool IsDelimiterField(Er7Path at) => Segment.IsHeaderId(at.SegmentId) && at.Field <= 2;

    private static T? ElementAt<T>(List<T> items, int number) where T : class =>
        number <= items.Count ? items[number - 1] : null;

    private static T Grow<T>(List<T> items, int number) where T : new()
    {
        while (items.Count < number) items.Add(new T());
        return items[number - 1];
    }
}
