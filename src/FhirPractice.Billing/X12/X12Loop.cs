namespace FhirPractice.Billing.X12;

/// <summary>One loop instance read from a transaction set: its segments in order (the first is its trigger) and its nested loops.</summary>
public sealed class X12Loop(string id, X12Segment first)
{
    public string Id { get; } = id;
    public List<X12Segment> Segments { get; } = [first];
    public List<X12Loop> Loops { get; } = [];

    public X12Segment First => Segments[0];

    public X12Segment? Segment(string id, int qualifierElement = 0, string? qualifier = null) =>
        Segments.FirstOrDefault(s => s.Id == id && (qualifier is null || s[qualifierElement] == qualifier));

    public IEnumerable<X12Segment> All(string id) => Segments.Where(s => s.Id == id);

    public IEnumerable<X12Loop> Children(string id) => Loops.Where(l => l.Id == id);

    public X12Loop? Child(string id) => Loops.FirstOrDefault(l => l.Id == id);

    /// <summary>Every loop below this one with this id, depth first.</summary>
    public IEnumerable<X12Loop> Descendants(string id)
    {
        foreach (var loop in Loops)
        {
            if (loop.Id == id) yield return loop;
            foreach (var inner in loop.Descendants(id)) yield return inner;
        }
    }
}
