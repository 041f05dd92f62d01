using System.Diagnostics;

namespace FhirPractice.LoadHarness;

/// <summary>
/// Concurrent writers that POST Patients and log the id of every create the server acknowledged
/// with 201, one line each, flushed at once. durability.sh SIGKILLs the server under them; a writer
/// stops at its first transport error (the server is gone), so the log holds exactly what was promised.
/// </summary>
public static class DurabilityWriters
{
    public static async Task<int> RunAsync(CommandLineOptions options)
    {
        var workers = options.Number("workers", 8);
        var deadline = TimeSpan.FromSeconds(options.Number("max-seconds", 60));
        var patient = await File.ReadAllBytesAsync(options.Required("patient"));
        using var client = LoopbackFhirClient.Create(options.Required("base"), workers, TimeSpan.FromSeconds(30));
        await using var log = new StreamWriter(options.Required("log"), append: false) { AutoFlush = true };
        var clock = Stopwatch.StartNew();
        long acknowledged = 0, rejected = 0;

        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < deadline)
            {
                try
                {
                    using var response = await client.PostAsync("Patient", LoopbackFhirClient.Json(patient));
                    var id = LoopbackFhirClient.IdFromLocation(response.Headers.Location);
                    if ((int)response.StatusCode == 201 && id is not null)
                    {
                        lock (log) log.WriteLine(id);
                        Interlocked.Increment(ref acknowledged);
                    }
                    else Interlocked.Increment(ref rejected);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return; // connection refused/reset: the server was killed
                }
            }
        })));
        Console.WriteLine($"writers: {acknowledged} acknowledged, {rejected} answered other than 201, {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }
}
