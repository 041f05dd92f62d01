using FhirPractice.Hl7v2.Er7;

namespace FhirPractice.Hl7v2.Mapping.Datatypes;

/// <summary>
/// One v2 composite value, decoded on access: a field repetition (whose parts are components) or a
/// component (whose parts are subcomponents), with the segment and field it came from so that a data
/// error can name them. An empty part and the explicit null <c>""</c> both read as null: a mapping
/// rewrites its resources whole, so "delete the value" and "no value" come to the same thing.
/// </summary>
internal sealed class V2Value
{
    private readonly IReadOnlyList<string> _raw;
    private readonly Er7Message _message;
    private readonly IReadOnlyList<Component>? _components;

    public FieldLocation At { get; }

    private V2Value(IReadOnlyList<string> raw, IReadOnlyList<Component>? components, Er7Message message, FieldLocation at)
    {
        _raw = raw;
        _components = components;
        _message = message;
        At = at;
    }

    public static V2Value Of(Repetition repetition, Er7Message message, FieldLocation at) =>
        new(repetition.Components.Select(c => c.Subcomponents.Count > 0 ? c.Subcomponents[0] : "").ToList(), repetition.Components, message, at);

    /// <summary>Part <paramref name="n"/> (1-based) as text, or null when empty.</summary>
    public string? this[int n]
    {
        get
        {
            if (n < 1 || n > _raw.Count) return null;
            var raw = _raw[n - 1];
            if (raw.Length == 0 || raw == Er7Message.ExplicitNull) return null;
            var text = EscapeSequences.Decode(raw, _message.Delimiters, _message.CharacterSet).Trim();
            return text.Length == 0 ? null : text;
        }
    }

    /// <summary>Component <paramref name="n"/> with its subcomponents as parts (CX-4 read as an HD); empty when absent.</summary>
    public V2Value Part(int n) =>
        _components is not null && n >= 1 && n <= _components.Count
            ? new V2Value(_components[n - 1].Subcomponents, null, _message, At)
            : new V2Value([], null, _message, At);

    /// <summary>Parts <paramref name="first"/>..+<paramref name="count"/>-1 as a value of their own: components of an XCN that make an HD.</summary>
    public V2Value Slice(int first, int count) =>
        new(Enumerable.Range(first, count).Select(n => n <= _raw.Count ? _raw[n - 1] : "").ToList(), null, _message, At);

    public bool IsEmpty => Enumerable.Range(1, _raw.Count).All(n => this[n] is null);
}

/// <summary>Where a value sits, for the ERR segment: the segment id, which of the segments with that id (1-based) and the field.</summary>
public sealed record FieldLocation(string SegmentId, int SegmentSequence, int Field)
{
    public override string ToString() => $"{SegmentId}{(SegmentSequence > 1 ? $"({SegmentSequence})" : "")}-{Field}";
}
