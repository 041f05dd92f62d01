namespace FhirPractice.Hl7v2.Er7;

/// <summary>
/// Input that is not a well-formed ER7 message. Names where the fault is so a sender's operator can
/// find it: the segment's 1-based position among the non-empty lines of the input, its id (as far as
/// it could be read), and the field number when the fault is inside one field.
/// </summary>
public sealed class Er7ParseException : Exception
{
    public Er7ParseException(string reason, int segmentIndex, string? segmentId, int? field = null)
        : base(Describe(reason, segmentIndex, segmentId, field))
    {
        Reason = reason;
        SegmentIndex = segmentIndex;
        SegmentId = segmentId;
        Field = field;
    }

    public string Reason { get; }

    /// <summary>1-based position of the segment at fault; 0 when the input has no segment at all.</summary>
    public int SegmentIndex { get; }

    public string? SegmentId { get; }

    public int? Field { get; }

    private static string Describe(string reason, int segmentIndex, string? segmentId, int? field)
    {
        if (segmentIndex == 0) return reason;
        var where = $"segment {segmentIndex} ({segmentId ?? "?"})";
        if (field is not null) where += $", field {segmentId ?? "?"}-{field}";
        return $"{where}: {reason}";
    }
}
