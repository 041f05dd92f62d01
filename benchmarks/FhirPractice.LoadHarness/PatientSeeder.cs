using System.Collections.Concurrent;

namespace FhirPractice.LoadHarness;

/// <summary>
/// Creates the Patients that read-by-id and update target, and saves one Patient read exactly as the
/// server returned it (bytes and content type) for the bare-Kestrel ceiling to serve.
/// </summary>
public static class PatientSeeder
{
    public static async Task<int> RunAsync(CommandLineOptions options)
    {
        var count = options.Number("count", 1000);
        var patient = await File.ReadAllBytesAsync(options.Required("patient"));
        using var client = LoopbackFhirClient.Create(options.Required("base"), 8);

        var ids = new ConcurrentBag<string>();
        var failures = 0;
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
        {
            using var response = await client.PostAsync("Patient", LoopbackFhirClient.Json(patient), ct);
            var id = LoopbackFhirClient.IdFromLocation(response.Headers.Location);
            if ((int)response.StatusCode == 201 && id is not null) ids.Add(id);
            else if (Interlocked.Increment(ref failures) == 1)
                Console.Error.WriteLine($"seed: POST Patient answered {(int)response.StatusCode}: {await Snippet(response)}");
        });
        if (failures > 0 || ids.IsEmpty)
        {
            Console.Error.WriteLine($"seed: {failures} of {count} creates failed");
            return 1;
        }
        await File.WriteAllLinesAsync(options.Required("ids-out"), ids);

        // No Accept header, like wrk's requests, so the ceiling serves what read-by-id gets.
        using var read = await client.GetAsync($"Patient/{ids.First()}");
        if ((int)read.StatusCode != 200)
        {
            Console.Error.WriteLine($"seed: GET Patient answered {(int)read.StatusCode}: {await Snippet(read)}");
            return 1;
        }
        await File.WriteAllBytesAsync(options.Required("sample-out"), await read.Content.ReadAsByteArrayAsync());
        await File.WriteAllTextAsync(options.Required("content-type-out"),
            read.Content.Headers.ContentType?.ToString() ?? "application/fhir+json");
        Console.WriteLine($"seeded {ids.Count} Patients");
        return 0;
    }

    public static async Task<string> Snippet(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length > 300 ? text[..300] + "…" : text;
    }
}
