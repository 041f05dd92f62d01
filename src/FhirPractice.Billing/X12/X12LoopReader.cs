namespace FhirPractice.Billing.X12;

/// <summary>
/// Arranges a transaction set's segments into the loops of its implementation guide. A segment belongs to the
/// innermost open loop that holds it; failing that, it starts a loop nested in the innermost open loop that can
/// nest one starting so; failing that, the loop is closed and its parent tried. A segment no open loop can hold
/// or start is refused with its position: it is an unknown loop or a segment out of place.
/// </summary>
public static class X12LoopReader
{
    public static X12Loop Read(X12TransactionSet transaction, X12TransactionSpec spec)
    {
        if (transaction.Code != spec.Code)
            throw new X12FormatException("ST", transaction.St.Position, $"transaction set {transaction.Code}, expected {spec.Code}");
        var root = new X12Loop(spec.Root.Id, transaction.St);
        var open = new List<(X12LoopSpec Spec, X12Loop Loop)> { (spec.Root, root) };
        foreach (var segment in transaction.Segments.Skip(1))
        {
            if (segment.Id == "SE")
            {
                root.Segments.Add(segment);
                break;
            }
            if (!Place(open, segment))
                throw new X12FormatException(segment.Id, segment.Position,
                    $"{segment.Id}{(segment.Count > 0 ? "*" + segment[1] : "")} starts no loop of {spec.Implementation} and belongs to none of the open loops ({string.Join(" > ", open.Select(o => o.Spec.Id))})");
        }
        return root;
    }

    private static bool Place(List<(X12LoopSpec Spec, X12Loop Loop)> open, X12Segment segment)
    {
        for (var depth = open.Count - 1; depth >= 0; depth--)
        {
            var (spec, loop) = open[depth];
            // A loop's trigger repeated starts a sibling, not another segment of it.
            if (spec.Holds(segment.Id) && !(spec.Starts(segment) && depth > 0))
            {
                open.RemoveRange(depth + 1, open.Count - depth - 1);
                loop.Segments.Add(segment);
                return true;
            }
            if (spec.Children.FirstOrDefault(c => c.Starts(segment)) is { } childSpec)
            {
                open.RemoveRange(depth + 1, open.Count - depth - 1);
                var child = new X12Loop(childSpec.Id, segment);
                loop.Loops.Add(child);
                open.Add((childSpec, child));
                return true;
            }
        }
        return false;
    }
}
