using System.Net;
using FhirPractice.Server.Tests.Infrastructure;
using static FhirPractice.Server.Tests.Infrastructure.SearchHttp;
using static FhirPractice.Server.Tests.Scheduling.SchedulingHttp;

namespace FhirPractice.Server.Tests.Scheduling;

/// <summary>$find for a HealthcareService: its availableTime less notAvailable, over each Schedule that serves it.</summary>
public sealed class ServiceFindTests(SchedulingServerFactory server) : IClassFixture<SchedulingServerFactory>
{
    private readonly HttpClient _client = server.Client;

    /// <summary>A flu clinic on Tuesdays 10:00–12:00 New York time, closed 11:00–11:30 on 10 June 2025.</summary>
    private async Task<string> ClinicAsync(string type) => await _client.CreateAsync($$$"""
        {"resourceType":"HealthcareService","active":true,"name":"Flu clinic","type":[{"coding":[{"system":"urn:svc","code":"{{{type}}}"}]}],
         "availableTime":[{"daysOfWeek":["tue"],"availableStartTime":"10:00:00","availableEndTime":"12:00:00"}],
         "notAvailable":[{"description":"Staff meeting","during":{"start":"2025-06-10T11:00:00-04:00","end":"2025-06-10T11:30:00-04:00"}}]}
        """);

    [Fact]
    public async Task Find_by_healthcare_service_offers_its_hours_on_every_schedule_that_serves_it()
    {
        var type = FhirHttp.Unique();
        var clinic = await ClinicAsync(type);
        var byActor = await _client.ScheduleAsync(clinic);
        // Without "active": a Schedule is in use unless it says it is not.
        var byType = await _client.CreateAsync($$$"""
            {"resourceType":"Schedule","serviceType":[{"coding":[{"system":"urn:svc","code":"{{{type}}}"}]}],"actor":[{"reference":"{{{await _client.PractitionerAsync()}}}"}],
             "extension":[{"url":"{{{Ext}}}availability","extension":[{"url":"rrule","valueString":"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"},{"url":"start","valueTime":"09:00:00"},{"url":"end","valueTime":"17:00:00"}]},
               {"url":"{{{Ext}}}visit-duration","extension":[{"url":"minutes","valuePositiveInt":30}]}]}
            """);
        await _client.ScheduleAsync(await _client.PractitionerAsync()); // serves another service
        await _client.CreateAsync($$$"""
            {"resourceType":"Schedule","active":false,"serviceType":[{"coding":[{"system":"urn:svc","code":"{{{type}}}"}]}],"actor":[{"reference":"{{{await _client.PractitionerAsync()}}}"}],
             "extension":[{"url":"{{{Ext}}}availability","extension":[{"url":"rrule","valueString":"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"},{"url":"start","valueTime":"09:00:00"},{"url":"end","valueTime":"17:00:00"}]},
               {"url":"{{{Ext}}}visit-duration","extension":[{"url":"minutes","valuePositiveInt":30}]}]}
            """); // not in use

        var response = await _client.GetAsync($"Appointment/$find?healthcare-service={clinic}&start=2025-06-10&end=2025-06-12");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var proposals = (await response.JsonAsync())["entry"]!.AsArray().Select(e => e!["resource"]!).ToList();

        // 10:00, 10:30 and 11:30 New York time (14:00, 14:30, 15:30 UTC) on each of the two serving schedules; nothing on Wednesday.
        Assert.Equal(6, proposals.Count);
        Assert.Equal(["2025-06-10T14:00:00Z", "2025-06-10T14:00:00Z", "2025-06-10T14:30:00Z", "2025-06-10T14:30:00Z", "2025-06-10T15:30:00Z", "2025-06-10T15:30:00Z"],
            proposals.Select(p => DateTimeOffset.Parse((string)p["start"]!).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ")));
        Assert.Equal(new HashSet<string> { byActor, byType }, proposals.Select(p => (string)p["extension"]![0]!["valueReference"]!["reference"]!).ToHashSet());
        Assert.All(proposals, p => Assert.Contains(p["participant"]!.AsArray(), x => (string?)x!["actor"]!["reference"] == clinic));

        // A proposal books as it is; its time on that schedule is then gone.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await _client.PostAsync("Appointment/$book", WithAppointment(proposals[0].ToJsonString()))).StatusCode); // no patient yet
        var withPatient = proposals[0].DeepClone();
        withPatient["participant"]!.AsArray().Add(System.Text.Json.Nodes.JsonNode.Parse($$"""{"actor":{"reference":"{{await _client.PatientAsync()}}"},"status":"needs-action"}"""));
        Assert.Equal(HttpStatusCode.OK, (await _client.PostAsync("Appointment/$book", WithAppointment(withPatient.ToJsonString()))).StatusCode);
        Assert.Equal(5, (await _client.FindAsync($"healthcare-service={clinic}&start=2025-06-10&end=2025-06-12")).Count);
    }

    /// <summary>A Schedule of <paramref name="actor"/> serving the service type by its <c>serviceType</c>: weekdays from <paramref name="from"/> to <paramref name="to"/>, visits of <paramref name="minutes"/>.</summary>
    private static string ServingJson(string type, string actor, string from, string to, int minutes, string? id = null, bool active = true)
    {
        var head = (id is null ? "" : $"\"id\":\"{id}\",") + (active ? "" : "\"active\":false,");
        return $$$"""
            {"resourceType":"Schedule",{{{head}}}"serviceType":[{"coding":[{"system":"urn:svc","code":"{{{type}}}"}]}],"actor":[{"reference":"{{{actor}}}"}],
             "extension":[{"url":"{{{Ext}}}availability","extension":[{"url":"rrule","valueString":"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"},{"url":"start","valueTime":"{{{from}}}"},{"url":"end","valueTime":"{{{to}}}"}]},
               {"url":"{{{Ext}}}visit-duration","extension":[{"url":"minutes","valuePositiveInt":{{{minutes}}}}]}]}
            """;
    }

    /// <summary>The proposals of a $find as (start in UTC, the Schedule it is on).</summary>
    private async Task<List<(DateTimeOffset Start, string Schedule)>> ProposalsAsync(string query)
    {
        var response = await _client.GetAsync("Appointment/$find?" + query);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return ((await response.JsonAsync())["entry"]?.AsArray() ?? []).Select(e => e!["resource"]!)
            .Select(p => (DateTimeOffset.Parse((string)p["start"]!).ToUniversalTime(), (string)p["extension"]![0]!["valueReference"]!["reference"]!)).ToList();
    }

    [Fact]
    public async Task Find_by_healthcare_service_orders_by_start_then_serving_schedule_and_count_keeps_the_earliest()
    {
        var type = FhirHttp.Unique();
        var clinic = await _client.CreateAsync($$$"""{"resourceType":"HealthcareService","type":[{"coding":[{"system":"urn:svc","code":"{{{type}}}"}]}]}""");
        var mornings = await _client.CreateAsync(ServingJson(type, await _client.PractitionerAsync(), "09:00:00", "12:00:00", 45));
        var days = await _client.CreateAsync(ServingJson(type, await _client.PractitionerAsync(), "09:00:00", "17:00:00", 30));
        var byActor = await _client.ScheduleAsync(clinic); // created last, served first: the Schedules with the service as their actor come first
        await _client.BookedAsync("2025-06-10T09:00:00-04:00", "2025-06-10T09:30:00-04:00", await _client.PatientAsync(), days);
        const string range = "start=2025-06-10&end=2025-06-24";

        var all = await ProposalsAsync($"healthcare-service={clinic}&{range}");

        // Each Schedule's own times, merged by start; at the same start, in serving order (stable).
        var serving = new[] { byActor, mornings, days };
        var expected = new List<(DateTimeOffset, string)>();
        foreach (var schedule in serving) expected.AddRange(await ProposalsAsync($"schedule={schedule}&{range}"));
        Assert.Equal(expected.OrderBy(p => p.Item1).ToList(), all);
        var nine = DateTimeOffset.Parse("2025-06-10T13:00:00Z");
        Assert.Equal([(nine, byActor), (nine, mornings), (nine.AddMinutes(30), byActor), (nine.AddMinutes(30), days), (nine.AddMinutes(45), mornings)], all.Take(5));
        Assert.Equal(10 * (16 + 4 + 16) - 1, all.Count);

        // Fewer asked for: the earliest ones of the whole answer, however few days they take.
        foreach (var count in new[] { 1, 2, 37, 100, 350 })
            Assert.Equal(all.Take(count), await ProposalsAsync($"healthcare-service={clinic}&{range}&_count={count}"));
    }

    [Fact]
    public async Task Find_by_healthcare_service_sees_a_schedule_added_deactivated_or_deleted_at_once()
    {
        var type = FhirHttp.Unique();
        var clinic = await _client.CreateAsync($$$"""{"resourceType":"HealthcareService","type":[{"coding":[{"system":"urn:svc","code":"{{{type}}}"}]}]}""");
        var first = await _client.CreateAsync(ServingJson(type, await _client.PractitionerAsync(), "09:00:00", "10:00:00", 30));
        const string range = "start=2025-06-10&end=2025-06-11";
        Assert.Equal([first], (await ProposalsAsync($"healthcare-service={clinic}&{range}")).Select(p => p.Schedule).Distinct());

        var second = await _client.CreateAsync(ServingJson(type, await _client.PractitionerAsync(), "09:00:00", "10:00:00", 30));
        Assert.Equal([first, second, first, second], (await ProposalsAsync($"healthcare-service={clinic}&{range}")).Select(p => p.Schedule));

        var update = await _client.PutAsync(second, FhirServerFactory.Json(ServingJson(type, await _client.PractitionerAsync(), "09:00:00", "10:00:00", 30, second.Split('/')[1], active: false)));
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Equal([first, first], (await ProposalsAsync($"healthcare-service={clinic}&{range}")).Select(p => p.Schedule));

        Assert.Equal(HttpStatusCode.OK, (await _client.PutAsync(second, FhirServerFactory.Json(ServingJson(type, await _client.PractitionerAsync(), "09:00:00", "10:00:00", 30, second.Split('/')[1])))).StatusCode);
        Assert.True((await _client.DeleteAsync(first)).IsSuccessStatusCode);
        Assert.Equal([second, second], (await ProposalsAsync($"healthcare-service={clinic}&{range}")).Select(p => p.Schedule));
    }

    [Fact]
    public async Task Find_by_healthcare_service_sees_a_change_of_the_service_at_once()
    {
        var (oldType, newType) = (FhirHttp.Unique(), FhirHttp.Unique());
        var clinic = await ClinicAsync(oldType);
        var byActor = await _client.ScheduleAsync(clinic);
        var byNewType = await _client.CreateAsync(ServingJson(newType, await _client.PractitionerAsync(), "09:00:00", "17:00:00", 30));
        const string range = "start=2025-06-10&end=2025-06-11";
        Assert.Equal([byActor, byActor, byActor], (await ProposalsAsync($"healthcare-service={clinic}&{range}")).Select(p => p.Schedule));

        // Its hours shortened to 10:00–11:00 and its type changed: the Schedule of the new type serves it now, within the new hours.
        var changed = await _client.PutAsync(clinic, FhirServerFactory.Json($$$"""
            {"resourceType":"HealthcareService","id":"{{{clinic.Split('/')[1]}}}","active":true,"name":"Flu clinic","type":[{"coding":[{"system":"urn:svc","code":"{{{newType}}}"}]}],
             "availableTime":[{"daysOfWeek":["tue"],"availableStartTime":"10:00:00","availableEndTime":"11:00:00"}]}
            """));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var proposals = await ProposalsAsync($"healthcare-service={clinic}&{range}");
        Assert.Equal([byActor, byNewType, byActor, byNewType], proposals.Select(p => p.Schedule));
        Assert.Equal(["14:00", "14:00", "14:30", "14:30"], proposals.Select(p => p.Start.UtcDateTime.ToString("HH:mm")));
    }

    [Fact]
    public async Task Find_by_healthcare_service_refuses_bad_input()
    {
        var clinic = await ClinicAsync(FhirHttp.Unique());
        var schedule = await _client.ScheduleAsync(clinic);
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"Appointment/$find?healthcare-service={clinic}&schedule={schedule}&start=2025-06-10&end=2025-06-11"),
            HttpStatusCode.BadRequest, "not both", "healthcare-service");
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync("Appointment/$find?healthcare-service=Patient/1&start=2025-06-10&end=2025-06-11"),
            HttpStatusCode.BadRequest, "not a reference to a HealthcareService", "healthcare-service");
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"Appointment/$find?healthcare-service={clinic}&start=2025-06-10&end=2025-06-11&_count=many"),
            HttpStatusCode.BadRequest, "_count", "_count");
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync("Appointment/$find?healthcare-service=HealthcareService/missing&start=2025-06-10&end=2025-06-11"),
            HttpStatusCode.UnprocessableEntity, "does not exist", "healthcare-service");
        var broken = await _client.CreateAsync("""
            {"resourceType":"HealthcareService","availableTime":[{"daysOfWeek":["mon"],"availableStartTime":"12:00:00","availableEndTime":"09:00:00"}]}
            """);
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"Appointment/$find?healthcare-service={broken}&start=2025-06-10&end=2025-06-11"),
            HttpStatusCode.UnprocessableEntity, "must end after it starts", "HealthcareService.availableTime[0]");
    }
}
