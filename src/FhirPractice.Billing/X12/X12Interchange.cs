namespace FhirPractice.Billing.X12;

/// <summary>An interchange as read: its ISA and IEA, its functional groups; the envelope counts have been checked.</summary>
public sealed record X12Interchange(X12Delimiters Delimiters, X12Segment Isa, IReadOnlyList<X12FunctionalGroup> Groups)
{
    public string ControlNumber => Isa[13];
    public IEnumerable<X12TransactionSet> Transactions => Groups.SelectMany(g => g.Transactions);
}

public sealed record X12FunctionalGroup(X12Segment Gs, IReadOnlyList<X12TransactionSet> Transactions)
{
    public string FunctionalId => Gs[1];
    public string ControlNumber => Gs[6];
    public string Version => Gs[8];
}

/// <summary>One transaction set, ST to SE inclusive.</summary>
public sealed record X12TransactionSet(IReadOnlyList<X12Segment> Segments)
{
    public X12Segment St => Segments[0];
    public string Code => St[1];
    public string ControlNumber => St[2];
    /// <summary>ST03, the implementation guide (e.g. 005010X222A1), when given.</summary>
    public string Implementation => St[3];
}
