namespace FhirPractice.LoadHarness;

/// <summary>Keeps every sample (runs are at most ~10^5 requests) so percentiles are exact, not bucketed.</summary>
public sealed class LatencyRecorder
{
    private readonly List<double> _milliseconds = [];

    public void Add(double milliseconds)
    {
        lock (_milliseconds) _milliseconds.Add(milliseconds);
    }

    public double Percentile(double p)
    {
        lock (_milliseconds)
        {
            if (_milliseconds.Count == 0) return double.NaN;
            var sorted = _milliseconds.Order().ToArray();
            var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1;
            return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
        }
    }
}
