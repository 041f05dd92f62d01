using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;
using static FhirPractice.Server.Tests.Infrastructure.SearchPages;

namespace FhirPractice.Server.Tests;

/// <summary>
/// Keyset paging: next and previous links carry the sort values of the page's edge, so they walk the same pages
/// both ways, survive a restart, refuse forged cursors, and neither skip nor repeat a resource while others write.
/// </summary>
public sealed class PagingTests
{
    private const string Tag = "urn:test:page|all";

    /// <summary>Patients with repeated, multiple and missing families, birth dates and genders.</summary>
    private static async Task<List<string>> PatientsAsync(HttpClient client)
    {
        string?[] families = ["Kim", "adams", "Kim", null, "Lee", "Zed\"},{\"family\":\"Able", null, "Baker", "Kim", "Lee", "Öz"];
        string?[] births = ["1980", "1975-03-01", null, "1990-01-01", "1980", null, "2001", "1966", "1980-06", null, "2010"];
        var ids = new List<string>();
        for (var i = 0; i < families.Length; i++)
        {
            var body = $$"""{"resourceType":"Patient","meta":{"tag":[{"system":"urn:test:page","code":"all"}]},"gender":"{{(i % 3 == 0 ? "male" : "female")}}" """
                + (families[i] is { } f ? $$""","name":[{"family":"{{f}}"}]""" : "")
                + (births[i] is { } b ? $$""","birthDate":"{{b}}" """ : "") + "}";
            var response = await client.PostAsync("Patient", FhirServerFactory.Json(body));
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            ids.Add((string)(await response.JsonAsync())["id"]!);
        }
        return ids;
    }

    [Theory]
    [InlineData("")]
    [InlineData("_sort=family")]
    [InlineData("_sort=-family")]
    [InlineData("_sort=birthdate")]
    [InlineData("_sort=-birthdate")]
    [InlineData("_sort=gender")]
    [InlineData("_sort=family,-birthdate")]
    [InlineData("_sort=-_lastUpdated")]
    public async Task Next_and_previous_links_walk_the_same_pages_both_ways(string sort)
    {
        await using var server = new FhirServerFactory();
        var client = server.Client;
        var ids = await PatientsAsync(client);

        // Without criteria a single sort key is read from its index table; with one, every key is computed: same order.
        var whole = MatchIds(await client.SearchAsync($"Patient?{sort}&_count=100"));
        Assert.Equal(ids.Order(), whole.Order());
        Assert.Equal(whole, MatchIds(await client.SearchAsync($"Patient?_tag={Tag}&{sort}&_count=100")));

        foreach (var url in new[] { $"Patient?{sort}&_count=3", $"Patient?_tag={Tag}&{sort}&_count=3" })
        {
            var forward = await client.FollowAsync(url);
            Assert.Equal(whole, forward.SelectMany(p => p));
            Assert.Equal([3, 3, 3, 2], forward.Select(p => p.Count));

            var last = await client.SearchAsync(url);
            for (string? next; (next = Link(last, "next")) is not null;) last = await client.SearchAsync(next);
            Assert.NotNull(Link(last, "first"));
            var backward = await client.FollowAsync(Link(last, "self")!, "previous");
            Assert.Equal(forward.AsEnumerable().Reverse(), backward);
            Assert.Null(Link(await client.SearchAsync(url), "previous"));
        }
    }

    [Fact]
    public async Task Sorting_by_a_name_puts_the_lowest_name_first_and_patients_without_one_last()
    {
        await using var server = new FhirServerFactory();
        var ids = await PatientsAsync(server.Client);
        // Normalised names: able(5) adams(1) baker(7) kim(0,2,8) lee(4,9) oz(10), none: 3, 6.
        int[] ascending = [5, 1, 7, 0, 2, 8, 4, 9, 10, 3, 6];
        // Highest names: zed(5) oz(10) lee(4,9) kim(0,2,8) baker(7) adams(1), none: 3, 6.
        int[] descending = [5, 10, 4, 9, 0, 2, 8, 7, 1, 3, 6];
        Assert.Equal(ascending.Select(i => ids[i]), (await server.Client.FollowAsync("Patient?_sort=family&_count=4")).SelectMany(p => p));
        Assert.Equal(descending.Select(i => ids[i]), (await server.Client.FollowAsync("Patient?_sort=-family&_count=4")).SelectMany(p => p));
    }

    [Fact]
    public async Task Links_work_after_a_restart_on_the_same_database()
    {
        var folder = Path.Combine(Path.GetTempPath(), "fhirpractice-tests", Guid.NewGuid().ToString("N"));
        var path = Path.Combine(folder, "fhir.db");
        try
        {
            string next;
            List<string> first;
            await using (var before = new SharedFileServerFactory(path))
            {
                await PatientsAsync(before.Client);
                var page = await before.Client.SearchAsync("Patient?_sort=family,-birthdate&_count=4");
                first = MatchIds(page);
                next = Link(page, "next")!;
            }
            await using var after = new SharedFileServerFactory(path);
            var second = await after.Client.SearchAsync(next);
            Assert.Equal(4, MatchIds(second).Count);
            Assert.Empty(MatchIds(second).Intersect(first));
            Assert.Equal(first, MatchIds(await after.Client.SearchAsync(Link(second, "previous")!)));
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task A_malformed_forged_or_foreign_cursor_gives_the_first_page_with_a_warning_or_400_when_strict()
    {
        await using var server = new FhirServerFactory();
        var client = server.Client;
        await PatientsAsync(client);
        var firstPage = MatchIds(await client.SearchAsync("Patient?_sort=family&_count=3"));
        var next = Link(await client.SearchAsync("Patient?_sort=family&_count=3"), "next")!;
        var cursor = Uri.UnescapeDataString(next[(next.IndexOf("_page=", StringComparison.Ordinal) + 6)..]);

        var payload = cursor[..cursor.IndexOf('.')];
        var forged = (payload[5] == 'A' ? 'B' : 'A') + "";
        string[] bad =
        [
            "12345", "not-a-cursor", "%%%.###", cursor + "x", payload[..5] + forged + payload[6..] + cursor[cursor.IndexOf('.')..],
            payload + "." + Convert.ToBase64String(new byte[16]).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
        ];
        foreach (var value in bad)
        {
            var url = $"Patient?_sort=family&_count=3&_page={Uri.EscapeDataString(value)}";
            var bundle = await client.SearchAsync(url);
            Assert.Equal(firstPage, MatchIds(bundle));
            Assert.Contains(Warnings(bundle), w => w.Contains("'_page'"));
            Assert.DoesNotContain("_page", Link(bundle, "self")!);
            await FhirHttp.AssertOutcomeAsync(await client.SendAsync(HttpMethod.Get, url, null, ("Prefer", "handling=strict")),
                HttpStatusCode.BadRequest, null, "_page");
        }

        // A genuine cursor of another _sort would not fit its keys.
        await FhirHttp.AssertOutcomeAsync(
            await client.SendAsync(HttpMethod.Get, $"Patient?_sort=birthdate&_count=3&_page={Uri.EscapeDataString(cursor)}", null, ("Prefer", "handling=strict")),
            HttpStatusCode.BadRequest, "another _sort", "_page");
    }

    [Theory]
    [InlineData("")]
    [InlineData("_sort=family&")]
    [InlineData("_sort=-birthdate&")]
    [InlineData("_tag=urn:test:page|all&_sort=family&")]
    public async Task Paging_while_others_insert_and_delete_neither_skips_nor_repeats_a_resource_that_stayed(string query)
    {
        await using var server = new FhirServerFactory();
        var client = server.Client;
        var stayed = new List<string>();
        for (var i = 0; i < 4; i++) stayed.AddRange(await PatientsAsync(client));

        using var stop = new CancellationTokenSource();
        var writes = 0;
        var writer = Task.Run(async () =>
        {
            var writerClient = server.CreateClient(new() { BaseAddress = new Uri(FhirServerFactory.BaseUrl + "/") });
            var mine = new Queue<string>();
            var random = new Random(7);
            while (!stop.IsCancellationRequested)
            {
                var family = ((char)('A' + random.Next(26))).ToString() + random.Next(1000);
                var body = $$"""{"resourceType":"Patient","meta":{"tag":[{"system":"urn:test:page","code":"all"}]},"name":[{"family":"{{family}}"}],"birthDate":"{{1950 + random.Next(60)}}"}""";
                var created = await writerClient.PostAsync("Patient", FhirServerFactory.Json(body));
                mine.Enqueue((string)(await created.JsonAsync())["id"]!);
                if (mine.Count > 3) await writerClient.DeleteAsync($"Patient/{mine.Dequeue()}");
                Interlocked.Increment(ref writes);
            }
        });

        var seen = new List<string>();
        try
        {
            for (string? next = $"Patient?{query}_count=5"; next is not null;)
            {
                var bundle = await client.SearchAsync(next);
                seen.AddRange(MatchIds(bundle));
                next = Link(bundle, "next");
                // Two writes land between every two pages.
                var before = Volatile.Read(ref writes);
                while (Volatile.Read(ref writes) < before + 2 && !writer.IsCompleted) await Task.Delay(1);
            }
        }
        finally
        {
            stop.Cancel();
            await writer;
        }
        Assert.True(writes >= 16, $"only {writes} writes happened while paging");
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Empty(stayed.Except(seen));
    }
}
