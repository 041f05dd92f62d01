using System.Text.Json.Nodes;

namespace FhirPractice.LoadHarness;

/// <summary>
/// Reads what the loaded server holds and writes the search benchmark's queries, one file per kind (one
/// request path per line, ready for wrk): values are sampled from real resources, so every query finds something.
/// </summary>
public static class SearchData
{
    /// <summary>Observation codes Synthea writes for every adult patient (LOINC).</summary>
    private static readonly string[] ObservationCodes = ["8302-2", "29463-7", "39156-5", "85354-9", "8867-4", "72514-3", "9279-1"];

    public static async Task<int> RunAsync(CommandLineOptions options)
    {
        var perKind = options.Number("count", 500);
        var folder = options.Required("out");
        using var client = LoopbackFhirClient.Create(options.Required("base"), 4, TimeSpan.FromMinutes(5));
        var basePath = client.BaseAddress!.AbsolutePath.TrimEnd('/');
        var random = new Random(2026);

        var patients = new List<(string Id, string Family, string BirthDate)>();
        await foreach (var patient in PagesAsync(client, "Patient?_count=1000&_elements=name,birthDate"))
            if ((string?)patient["name"]?[0]?["family"] is { } family && (string?)patient["birthDate"] is { } birthDate)
                patients.Add(((string)patient["id"]!, family, birthDate));
        if (patients.Count == 0) { Console.Error.WriteLine("queries: no Patients stored"); return 1; }
        var sample = Enumerable.Range(0, perKind).Select(_ => patients[random.Next(patients.Count)]).ToList();

        await Write(folder, "patient-family-birthdate", sample.Select(p => $"{basePath}/Patient?family={Uri.EscapeDataString(p.Family)}&birthdate={p.BirthDate}"));
        await Write(folder, "observation-patient-code-date", sample.Select(p =>
            $"{basePath}/Observation?patient=Patient/{p.Id}&code=http://loinc.org%7C{ObservationCodes[random.Next(ObservationCodes.Length)]}&date=ge{2010 + random.Next(10)}-01-01"));
        await Write(folder, "encounter-patient-revinclude", sample.Select(p => $"{basePath}/Encounter?patient=Patient/{p.Id}&_revinclude=Condition:encounter"));
        await Write(folder, "observation-chain-name", sample.Select(p => $"{basePath}/Observation?subject:Patient.name={Uri.EscapeDataString(p.Family)}"));

        // The sorted search, first pages and the pages after them (the next links the server gave).
        var sorted = new List<string>();
        foreach (var p in sample.Take(perKind / 2))
        {
            var first = $"{basePath}/Observation?patient=Patient/{p.Id}&_sort=-date&_count=50";
            sorted.Add(first);
            var page = JsonNode.Parse(await client.GetStringAsync(first))!;
            if (Link(page, "next") is { } next) sorted.Add(new Uri(next).PathAndQuery);
        }
        await Write(folder, "observation-sort-date-paging", sorted);
        Console.WriteLine($"queries: {patients.Count} Patients, {perKind} queries per kind in {folder}");
        return 0;
    }

    /// <summary>Up to <paramref name="max"/> ids of a type, first pages first.</summary>
    public static async Task<List<string>> IdsAsync(HttpClient client, string type, int max)
    {
        var ids = new List<string>();
        await foreach (var resource in PagesAsync(client, $"{type}?_count={Math.Min(max, 1000)}&_elements=id"))
        {
            ids.Add((string)resource["id"]!);
            if (ids.Count == max) break;
        }
        return ids;
    }

    private static async IAsyncEnumerable<JsonNode> PagesAsync(HttpClient client, string url)
    {
        for (string? next = url; next is not null;)
        {
            var page = JsonNode.Parse(await client.GetStringAsync(next))!;
            foreach (var entry in page["entry"]?.AsArray() ?? [])
                if ((string?)entry!["search"]?["mode"] == "match") yield return entry["resource"]!;
            next = Link(page, "next");
        }
    }

    private static string? Link(JsonNode bundle, string relation) =>
        (string?)bundle["link"]?.AsArray().FirstOrDefault(l => (string?)l!["relation"] == relation)?["url"];

    private static Task Write(string folder, string kind, IEnumerable<string> lines) =>
        File.WriteAllLinesAsync(Path.Combine(folder, kind + ".txt"), lines);
}
