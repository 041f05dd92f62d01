namespace FhirPractice.Billing.X12;

/// <summary>
/// One loop of an implementation guide, as data: the segment that starts it (with the qualifier values that
/// tell it from a sibling starting with the same segment — NM1*85 versus NM1*87, HL…*20 versus HL…*22), the
/// other segments it may hold and the loops nested in it. The same child may sit under several parents
/// (2300 under 2000B and 2000C).
/// </summary>
public sealed class X12LoopSpec(string id, string trigger, int qualifierElement, string[] qualifiers, string[] segments, params X12LoopSpec[] children)
{
    public string Id { get; } = id;
    public string Trigger { get; } = trigger;
    public IReadOnlyList<X12LoopSpec> Children { get; } = children;
    private readonly HashSet<string> _segments = [.. segments];

    /// <summary>A loop told apart by its first segment alone.</summary>
    public X12LoopSpec(string id, string trigger, string[] segments, params X12LoopSpec[] children) : this(id, trigger, 0, [], segments, children) { }

    public bool Starts(X12Segment segment) =>
        segment.Id == Trigger && (qualifierElement == 0 || qualifiers.Contains(segment[qualifierElement]));

    public bool Holds(string segmentId) => _segments.Contains(segmentId);
}

/// <summary>A transaction set's structure: the header area is the root loop (its trigger is ST), ending with SE.</summary>
public sealed record X12TransactionSpec(string Code, string Implementation, X12LoopSpec Root);
