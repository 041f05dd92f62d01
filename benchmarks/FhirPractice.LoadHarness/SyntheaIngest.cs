using System.Diagnostics;
using System.Globalization;

namespace FhirPractice.LoadHarness;

/// <summary>
/// POSTs cloned Synthea transaction Bundles to the base URL with N concurrent workers and reports
/// resources/s, bundles/s, per-bundle p50/p99 and every non-2xx. Clones are built before the clock
/// starts so the client's JSON work does not eat the server's CPU during the measurement.
/// </summary>
public static class SyntheaIngest
{
    public static async Task<int> RunAsync(CommandLineOptions options)
    {
        var minResources = options.Number("resources", 100_000);
        var workers = options.Number("workers", 4);
        var deadline = TimeSpan.FromSeconds(options.Number("max-seconds", 600));
        var prefer = options.Text("prefer", "");

        var bundles = SyntheaBundleCloner.CloneUntil(SyntheaBundleCloner.BundleFolder(options.Required("corpus")), minResources,
            distinctNames: options.Text("distinct-names", "false") == "true");
        Console.WriteLine($"ingest: {bundles.Count} bundles, {bundles.Sum(b => b.Resources)} resources, {workers} workers");
        GC.Collect();

        using var client = LoopbackFhirClient.Create(options.Required("base"), workers, TimeSpan.FromMinutes(5));
        var latency = new LatencyRecorder();
        long next = -1, okBundles = 0, okResources = 0, non2xx = 0, transportErrors = 0;
        var clock = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            long index;
            while ((index = Interlocked.Increment(ref next)) < bundles.Count && clock.Elapsed < deadline)
            {
                var bundle = bundles[(int)index];
                using var request = new HttpRequestMessage(HttpMethod.Post, "") { Content = LoopbackFhirClient.Json(bundle.Body) };
                if (prefer.Length > 0) request.Headers.TryAddWithoutValidation("Prefer", prefer);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await client.SendAsync(request);
                    await response.Content.LoadIntoBufferAsync();
                    latency.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    if (response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref okBundles);
                        Interlocked.Add(ref okResources, bundle.Resources);
                    }
                    else if (Interlocked.Increment(ref non2xx) <= 3)
                        Console.Error.WriteLine($"ingest: {bundle.Name} answered {(int)response.StatusCode}: {await PatientSeeder.Snippet(response)}");
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    if (Interlocked.Increment(ref transportErrors) <= 3) Console.Error.WriteLine($"ingest: {bundle.Name}: {e.Message}");
                }
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;

        var stoppedEarly = okBundles + non2xx + transportErrors < bundles.Count;
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv,
            $"RESULT resources={okResources} bundles={okBundles} seconds={seconds:F2} resources_per_s={okResources / seconds:F1} " +
            $"bundles_per_s={okBundles / seconds:F2} p50_ms={latency.Percentile(50):F1} p99_ms={latency.Percentile(99):F1} " +
            $"non2xx={non2xx} errors={transportErrors} stopped_early={(stoppedEarly ? 1 : 0)}"));
        return non2xx + transportErrors == 0 && !stoppedEarly ? 0 : 1;
    }
}
