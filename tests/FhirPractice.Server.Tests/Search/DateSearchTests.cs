using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests.Search;

/// <summary>
/// The edges of date search: the precision of stored and searched values, time zones (a value without one is UTC),
/// periods open at either end, fractional seconds and Timing events. Each test tags its resources and searches
/// within the tag, so the prefix rules of <see cref="SearchMatrixTests"/> apply to exactly the resources written here.
/// </summary>
public sealed class DateSearchTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    private static string Tagged(string tag) => $$""" "meta":{"tag":[{"system":"urn:test:date","code":"{{tag}}"}]}""";

    /// <summary>An Observation with the given effective[x] JSON; returns its id.</summary>
    private async Task<string> ObservationAsync(string tag, string effective) =>
        (await _client.CreateAsync($$"""{"resourceType":"Observation",{{Tagged(tag)}},"status":"final","code":{"text":"x"},{{effective}}}""")).Split('/')[1];

    private async Task<string> EncounterAsync(string tag, string period) =>
        (await _client.CreateAsync($$"""{"resourceType":"Encounter",{{Tagged(tag)}},"status":"finished","class":{"code":"AMB"},"period":{{period}}}""")).Split('/')[1];

    /// <summary>The ids the search matches among the tagged resources, sorted.</summary>
    private async Task<List<string>> IdsAsync(string type, string tag, string criteria) =>
        SearchHttp.Matches(await _client.SearchAsync($"{type}?_tag=urn:test:date|{tag}&{criteria}&_count=100", ("Prefer", "handling=strict")))
            .Select(m => m.Split('/')[1]).Order(StringComparer.Ordinal).ToList();

    private static List<string> Ids(params string[] ids) => ids.Order(StringComparer.Ordinal).ToList();

    [Fact]
    public async Task A_stored_second_is_found_by_searches_of_any_coarser_precision_and_only_its_own_second()
    {
        var tag = FhirHttp.Unique();
        var second = await ObservationAsync(tag, """ "effectiveDateTime":"2020-03-15T10:00:00Z" """);

        foreach (var search in new[] { "2020", "2020-03", "2020-03-15", "2020-03-15T10:00Z", "2020-03-15T10:00:00Z", "2020-03-15T10:00:00" })
            Assert.Equal([second], await IdsAsync("Observation", tag, $"date={search}"));
        Assert.Empty(await IdsAsync("Observation", tag, "date=2020-03-15T10:00:01Z"));
        Assert.Empty(await IdsAsync("Observation", tag, "date=2021"));
        Assert.Equal([second], await IdsAsync("Observation", tag, "date=sa2020-03-15T09:59:59Z"));
        Assert.Equal([second], await IdsAsync("Observation", tag, "date=eb2020-03-15T10:00:01Z"));
    }

    [Fact]
    public async Task Stored_years_months_and_days_are_ranges_a_search_to_the_second_lies_inside_but_does_not_contain()
    {
        var tag = FhirHttp.Unique();
        var year = await ObservationAsync(tag, """ "effectiveDateTime":"2020" """);
        var month = await ObservationAsync(tag, """ "effectiveDateTime":"2020-03" """);
        var day = await ObservationAsync(tag, """ "effectiveDateTime":"2020-03-15" """);
        var otherDay = await ObservationAsync(tag, """ "effectiveDateTime":"2020-03-16" """);
        const string instant = "2020-03-15T10:00:00Z";

        Assert.Empty(await IdsAsync("Observation", tag, $"date={instant}"));
        Assert.Equal(Ids(year, month, day), await IdsAsync("Observation", tag, $"date=ap{instant}"));
        Assert.Equal(Ids(year, month, day, otherDay), await IdsAsync("Observation", tag, $"date=ne{instant}"));
        Assert.Equal(Ids(year, month, day, otherDay), await IdsAsync("Observation", tag, $"date=gt{instant}"));
        Assert.Equal(Ids(year, month, day), await IdsAsync("Observation", tag, $"date=lt{instant}"));
        Assert.Equal(Ids(otherDay), await IdsAsync("Observation", tag, $"date=sa{instant}"));
        Assert.Empty(await IdsAsync("Observation", tag, $"date=eb{instant}"));
        Assert.Equal(Ids(day), await IdsAsync("Observation", tag, "date=2020-03-15"));
        Assert.Equal(Ids(month, day, otherDay), await IdsAsync("Observation", tag, "date=2020-03"));
    }

    [Fact]
    public async Task A_stored_time_zone_places_the_value_on_its_UTC_day_and_a_searched_zone_is_honoured()
    {
        var tag = FhirHttp.Unique();
        // 23:30 at -05:00 is 04:30 the next day in UTC; a search day without a zone is a UTC day.
        var evening = await ObservationAsync(tag, """ "effectiveDateTime":"2020-03-15T23:30:00-05:00" """);

        Assert.Equal([evening], await IdsAsync("Observation", tag, "date=2020-03-16"));
        Assert.Empty(await IdsAsync("Observation", tag, "date=2020-03-15"));
        Assert.Equal([evening], await IdsAsync("Observation", tag, "date=2020-03-16T04:30:00Z"));
        Assert.Equal([evening], await IdsAsync("Observation", tag, "date=2020-03-16T04:30:00"));
        Assert.Equal([evening], await IdsAsync("Observation", tag, $"date={Uri.EscapeDataString("2020-03-15T23:30:00-05:00")}"));
        Assert.Equal([evening], await IdsAsync("Observation", tag, $"date={Uri.EscapeDataString("2020-03-16T14:30:00+10:00")}"));
        // 10:00 at +10:00 is midnight UTC: the stored 04:30 UTC is on or after it, not before.
        Assert.Equal([evening], await IdsAsync("Observation", tag, $"date=ge{Uri.EscapeDataString("2020-03-16T10:00+10:00")}"));
        Assert.Empty(await IdsAsync("Observation", tag, $"date=lt{Uri.EscapeDataString("2020-03-16T10:00+10:00")}"));
        Assert.Equal([evening], await IdsAsync("Observation", tag, $"date=sa{Uri.EscapeDataString("2020-03-16T09:00+10:00")}"));
    }

    [Fact]
    public async Task A_stored_day_is_the_UTC_day_whatever_zone_the_search_is_written_in()
    {
        var tag = FhirHttp.Unique();
        var born = (await _client.CreateAsync($$"""{"resourceType":"Patient",{{Tagged(tag)}},"birthDate":"2020-03-16"}""")).Split('/')[1];

        // 05:00 at +10:00 is 19:00 UTC on the 15th: outside the stored day; 12:00 at +10:00 is 02:00 UTC on the 16th: inside.
        Assert.Empty(await IdsAsync("Patient", tag, $"birthdate=ap{Uri.EscapeDataString("2020-03-16T05:00:00+10:00")}"));
        Assert.Equal([born], await IdsAsync("Patient", tag, $"birthdate=ap{Uri.EscapeDataString("2020-03-16T12:00:00+10:00")}"));
        Assert.Equal([born], await IdsAsync("Patient", tag, $"birthdate=sa{Uri.EscapeDataString("2020-03-16T05:00:00+10:00")}"));
    }

    [Fact]
    public async Task Periods_open_at_either_end_against_each_prefix_on_a_day_they_straddle()
    {
        var tag = FhirHttp.Unique();
        var both = await EncounterAsync(tag, """{"start":"2020-03-14T12:00:00Z","end":"2020-03-16T12:00:00Z"}""");
        var startOnly = await EncounterAsync(tag, """{"start":"2020-03-14T12:00:00Z"}""");
        var endOnly = await EncounterAsync(tag, """{"end":"2020-03-16T12:00:00Z"}""");
        var inside = await EncounterAsync(tag, """{"start":"2020-03-15T08:00:00Z","end":"2020-03-15T09:00:00Z"}""");
        var before = await EncounterAsync(tag, """{"start":"2020-03-10","end":"2020-03-12"}""");
        var after = await EncounterAsync(tag, """{"start":"2020-03-20"}""");
        var all = Ids(both, startOnly, endOnly, inside, before, after);

        var names = new Dictionary<string, string> { [both] = "both", [startOnly] = "startOnly", [endOnly] = "endOnly", [inside] = "inside", [before] = "before", [after] = "after" };
        async Task AssertAsync(string prefix, params string[] expected) =>
            Assert.Equal($"date={prefix}: " + string.Join(" ", expected.Select(id => names[id]).Order()),
                $"date={prefix}: " + string.Join(" ", (await IdsAsync("Encounter", tag, $"date={prefix}2020-03-15")).Select(id => names[id]).Order()));

        await AssertAsync("", inside);
        await AssertAsync("eq", inside);
        await AssertAsync("ne", [.. all.Except([inside])]);
        await AssertAsync("gt", both, startOnly, endOnly, after);
        await AssertAsync("lt", both, startOnly, endOnly, before);
        await AssertAsync("ge", [.. all.Except([before])]);
        await AssertAsync("le", [.. all.Except([after])]);
        await AssertAsync("sa", after);
        await AssertAsync("eb", before);
        await AssertAsync("ap", both, startOnly, endOnly, inside);
        Assert.Equal(Ids(both, startOnly, endOnly), await IdsAsync("Encounter", tag, "date=le2020-03-15&date=ge2020-03-16"));
    }

    [Fact]
    public async Task Fractional_seconds_are_a_range_of_their_own_precision_inside_their_second()
    {
        var tag = FhirHttp.Unique();
        var quarter = await ObservationAsync(tag, """ "effectiveInstant":"2020-03-15T10:00:00.250Z" """);
        var late = await ObservationAsync(tag, """ "effectiveInstant":"2020-03-15T10:00:00.999Z" """);
        var next = await ObservationAsync(tag, """ "effectiveInstant":"2020-03-15T10:00:01Z" """);

        Assert.Equal(Ids(quarter, late), await IdsAsync("Observation", tag, "date=2020-03-15T10:00:00Z"));
        Assert.Equal([quarter], await IdsAsync("Observation", tag, "date=2020-03-15T10:00:00.25Z"));
        Assert.Equal([quarter], await IdsAsync("Observation", tag, "date=2020-03-15T10:00:00.250Z"));
        Assert.Empty(await IdsAsync("Observation", tag, "date=2020-03-15T10:00:00.251Z"));
        Assert.Equal(Ids(late, next), await IdsAsync("Observation", tag, "date=gt2020-03-15T10:00:00.250Z"));
        Assert.Empty(await IdsAsync("Observation", tag, "date=lt2020-03-15T10:00:00.250Z"));
        Assert.Equal([quarter], await IdsAsync("Observation", tag, "date=le2020-03-15T10:00:00.250Z"));
        Assert.Equal(Ids(quarter, late, next), await IdsAsync("Observation", tag, "date=sa2020-03-15T10:00:00.249Z"));
        Assert.Equal([next], await IdsAsync("Observation", tag, "date=sa2020-03-15T10:00:00.999Z"));
    }

    [Fact]
    public async Task Timing_events_are_separate_values_not_one_span()
    {
        var tag = FhirHttp.Unique();
        var timing = await ObservationAsync(tag, """ "effectiveTiming":{"event":["2020-03-10","2020-03-20"]} """);

        Assert.Equal([timing], await IdsAsync("Observation", tag, "date=2020-03-10"));
        Assert.Equal([timing], await IdsAsync("Observation", tag, "date=2020-03-20"));
        Assert.Empty(await IdsAsync("Observation", tag, "date=2020-03-15"));
        Assert.Empty(await IdsAsync("Observation", tag, "date=ap2020-03-15"));
        // Any one value may satisfy a prefix: one event lies before the day, the other after it.
        Assert.Equal([timing], await IdsAsync("Observation", tag, "date=sa2020-03-15"));
        Assert.Equal([timing], await IdsAsync("Observation", tag, "date=eb2020-03-15"));
        Assert.Equal([timing], await IdsAsync("Observation", tag, "date=2020-03-10&date=2020-03-20"));
        Assert.Empty(await IdsAsync("Observation", tag, "date=2020-03-10&date=2020-03-15"));
    }
}
