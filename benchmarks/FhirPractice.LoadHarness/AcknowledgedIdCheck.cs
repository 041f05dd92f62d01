namespace FhirPractice.LoadHarness;

/// <summary>Reads back every acknowledged Patient id after the restart; any non-200 is a lost write.</summary>
public static class AcknowledgedIdCheck
{
    public static async Task<int> RunAsync(CommandLineOptions options)
    {
        var ids = (await File.ReadAllLinesAsync(options.Required("ids")))
            .Where(line => line.Length > 0).Distinct().ToArray();
        var workers = options.Number("workers", 8);
        using var client = LoopbackFhirClient.Create(options.Required("base"), workers, TimeSpan.FromSeconds(30));
        var missing = 0;

        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = workers }, async (id, ct) =>
        {
            using var response = await client.GetAsync($"Patient/{id}", ct);
            if ((int)response.StatusCode != 200 && Interlocked.Increment(ref missing) <= 5)
                Console.Error.WriteLine($"missing: Patient/{id} answered {(int)response.StatusCode}");
        });
        Console.WriteLine($"acknowledged {ids.Length}, missing {missing}");
        return missing == 0 && ids.Length > 0 ? 0 : 1;
    }
}
