namespace FhirPractice.Billing.X12;

/// <summary>
/// X12 input that cannot be read: the message names the segment and its position (1-based ordinal in the
/// interchange), so the sender can find it; nothing from such a file is used.
/// </summary>
public sealed class X12FormatException(string segmentId, int position, string problem)
    : Exception($"{segmentId} (segment {position}): {problem}")
{
    public string SegmentId { get; } = segmentId;
    public int Position { get; } = position;
    public string Problem { get; } = problem;
}
