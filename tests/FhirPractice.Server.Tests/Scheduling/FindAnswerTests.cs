using System.Net;
using System.Text;
using FhirPractice.Fhir.Rest;
using FhirPractice.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using static FhirPractice.Server.Tests.Scheduling.SchedulingHttp;

namespace FhirPractice.Server.Tests.Scheduling;

/// <summary>
/// $find's answer is written from JSON the operation made itself (spliced, not serialised by the SDK): in every format
/// and with _pretty or _summary it is the Bundle the SDK would write for the same proposals.
/// </summary>
public sealed class FindAnswerTests(SchedulingServerFactory server) : IClassFixture<SchedulingServerFactory>
{
    private readonly HttpClient _client = server.Client;

    private async Task<string> QueryAsync()
    {
        var type = FhirHttp.Unique();
        var clinic = await _client.CreateAsync($$$"""
            {"resourceType":"HealthcareService","name":"Clinic","type":[{"coding":[{"system":"urn:svc","code":"{{{type}}}"}]}],
             "availableTime":[{"daysOfWeek":["tue","wed"],"availableStartTime":"09:00:00","availableEndTime":"12:00:00"}]}
            """);
        await _client.ScheduleAsync(clinic);
        // One Schedule serves the clinic as its actor, the other by its service type (the clinic then joins as information only).
        await _client.CreateAsync($$$"""
            {"resourceType":"Schedule","serviceType":[{"coding":[{"system":"urn:svc","code":"{{{type}}}"}]}],"actor":[{"reference":"{{{await _client.PractitionerAsync()}}}"}],
             "extension":[{"url":"{{{Ext}}}availability","extension":[{"url":"rrule","valueString":"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"},{"url":"start","valueTime":"09:00:00"},{"url":"end","valueTime":"17:00:00"}]},
               {"url":"{{{Ext}}}visit-duration","extension":[{"url":"serviceType","valueCoding":{"system":"urn:svc","code":"{{{type}}}"}},{"url":"minutes","valuePositiveInt":45}]}]}
            """);
        return $"healthcare-service={clinic}&service-type=urn:svc|{type}&patient={await _client.PatientAsync()}&start=2025-06-10T09:15:00-04:00&end=2025-06-12";
    }

    private async Task<(string Body, string ContentType)> GetAsync(string query)
    {
        var response = await _client.GetAsync("Appointment/$find?" + query);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return (body, response.Content.Headers.ContentType!.MediaType!);
    }

    /// <summary>The Bundle with its random parts (its id, the entries' urn:uuid) blanked, as compact JSON.</summary>
    private static string Content(Resource answer)
    {
        var bundle = (Bundle)answer;
        bundle.Id = null;
        foreach (var entry in bundle.Entry) entry.FullUrl = null;
        return Encoding.UTF8.GetString(ResourceSerializer.ToJsonBytes(bundle));
    }

    [Fact]
    public async Task The_json_answer_is_what_the_sdk_writes_for_it()
    {
        var (body, type) = await GetAsync(await QueryAsync());

        Assert.Equal("application/fhir+json", type);
        var bundle = (Bundle)ResourceSerializer.ParseJson(Encoding.UTF8.GetBytes(body));
        Assert.Equal(Encoding.UTF8.GetString(ResourceSerializer.ToJsonBytes(bundle)), body);
        // Two schedules, Tuesday and Wednesday mornings from 09:15, the clinic's service type and the patient on each.
        Assert.True(bundle.Entry.Count > 4);
        Assert.Equal(bundle.Entry.Count, bundle.Total);
        Assert.All(bundle.Entry, e => Assert.Equal(Appointment.AppointmentStatus.Proposed, ((Appointment)e.Resource).Status));
        Assert.Contains(bundle.Entry, e => ((Appointment)e.Resource).MinutesDuration == 45);
        Assert.Contains(bundle.Entry, e => ((Appointment)e.Resource).MinutesDuration == 30);
        Assert.Equal(bundle.Entry.Count, bundle.Entry.Select(e => e.FullUrl).Distinct().Count());
    }

    [Fact]
    public async Task Xml_pretty_and_summary_answers_carry_the_same_bundle()
    {
        var query = await QueryAsync();
        var json = Content(ResourceSerializer.ParseJson(Encoding.UTF8.GetBytes((await GetAsync(query)).Body)));

        var (xml, xmlType) = await GetAsync(query + "&_format=xml");
        Assert.Equal("application/fhir+xml", xmlType);
        Assert.Equal(json, Content(ResourceSerializer.ParseXml(Encoding.UTF8.GetBytes(xml))));
        Assert.Equal(json, Content(ResourceSerializer.ParseXml(Encoding.UTF8.GetBytes((await GetAsync(query + "&_format=xml&_pretty=true")).Body))));
        var pretty = (await GetAsync(query + "&_pretty=true")).Body;
        Assert.Contains("\n", pretty);
        Assert.Equal(json, Content(ResourceSerializer.ParseJson(Encoding.UTF8.GetBytes(pretty))));
        // _summary does not cut an operation's answer (as before the proposals were spliced).
        Assert.Equal(json, Content(ResourceSerializer.ParseJson(Encoding.UTF8.GetBytes((await GetAsync(query + "&_summary=true")).Body))));
    }

    [Fact]
    public async Task A_new_version_of_a_schedule_is_found_with_its_new_hours()
    {
        var practitioner = await _client.PractitionerAsync();
        var schedule = await _client.ScheduleAsync(practitioner);
        const string query = "start=2025-06-10&end=2025-06-11&_count=100";
        Assert.Equal(16, (await _client.FindAsync($"schedule={schedule}&{query}")).Count); // 09:00–17:00, read once and kept

        var update = await _client.PutAsync(schedule, FhirServerFactory.Json($$$"""
            {"resourceType":"Schedule","id":"{{{schedule.Split('/')[1]}}}","actor":[{"reference":"{{{practitioner}}}"}],
             "extension":[{"url":"{{{Ext}}}availability","extension":[{"url":"rrule","valueString":"FREQ=DAILY"},{"url":"start","valueTime":"10:00:00"},{"url":"end","valueTime":"11:00:00"}]},
               {"url":"{{{Ext}}}visit-duration","extension":[{"url":"minutes","valuePositiveInt":30}]}]}
            """));
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);

        Assert.Equal([(DateTimeOffset.Parse("2025-06-10T14:00:00Z"), DateTimeOffset.Parse("2025-06-10T14:30:00Z")), (DateTimeOffset.Parse("2025-06-10T14:30:00Z"), DateTimeOffset.Parse("2025-06-10T15:00:00Z"))],
            await _client.FindAsync($"schedule={schedule}&{query}"));
    }

    [Fact]
    public async Task A_full_page_links_to_the_next_which_continues_after_its_last_proposal()
    {
        var query = await QueryAsync(); // two alternatives, often at the same start
        var whole = ResourceSerializer.ParseJson(Encoding.UTF8.GetBytes((await GetAsync(query + "&_count=12")).Body)) as Bundle;

        var pages = new List<Bundle>();
        for (var url = "Appointment/$find?" + query + "&_count=5"; url is not null && pages.Count < 10;)
        {
            var response = await _client.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            pages.Add((Bundle)ResourceSerializer.ParseJson(Encoding.UTF8.GetBytes(body)));
            url = pages[^1].Link.FirstOrDefault(l => l.Relation == "next")?.Url;
        }

        Assert.True(pages.Count > 3);
        Assert.All(pages[..^1], p => Assert.Equal(5, p.Entry.Count));
        Assert.True(pages[^1].Entry.Count < 5); // the last page has no next link
        string Key(Bundle.EntryComponent e) => Encoding.UTF8.GetString(ResourceSerializer.ToJsonBytes(e.Resource!));
        Assert.Equal(whole!.Entry.Select(Key), pages.SelectMany(p => p.Entry).Take(12).Select(Key));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1-2-3")]
    [InlineData("-5")]
    [InlineData("638851608000000000-99")] // no such alternative
    [InlineData("0-0")] // outside the range
    [InlineData("99999999999999999999999-0")]
    public async Task A_cursor_this_find_did_not_give_is_a_400(string cursor)
    {
        var response = await _client.GetAsync("Appointment/$find?" + await QueryAsync() + "&_cursor=" + cursor);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("_cursor", await response.Content.ReadAsStringAsync());
    }
}
