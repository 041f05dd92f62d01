using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests.Scheduling;

/// <summary>Scheduling-test helpers: schedules with rules, $find, and the booking operations as Parameters.</summary>
public static class SchedulingHttp
{
    public const string Ext = "http://fhirpractice.org/fhir/StructureDefinition/scheduling-";

    /// <summary>A Schedule for <paramref name="actor"/> open Monday to Friday 09:00–17:00 New York time, 30-minute visits, plus <paramref name="extraExtensions"/>.</summary>
    public static async Task<string> ScheduleAsync(this HttpClient client, string actor, string extraExtensions = "", string hours = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR")
    {
        var extra = extraExtensions.Length == 0 ? "" : "," + extraExtensions;
        return await client.CreateAsync($$$"""
            {"resourceType":"Schedule","active":true,"actor":[{"reference":"{{{actor}}}"}],
             "extension":[
               {"url":"{{{Ext}}}availability","extension":[{"url":"rrule","valueString":"{{{hours}}}"},{"url":"start","valueTime":"09:00:00"},{"url":"end","valueTime":"17:00:00"}]},
               {"url":"{{{Ext}}}visit-duration","extension":[{"url":"minutes","valuePositiveInt":30}]}{{{extra}}}]}
            """);
    }

    public static Task<string> PractitionerAsync(this HttpClient client) => client.CreateAsync("""{"resourceType":"Practitioner","name":[{"family":"Doe"}]}""");
    public static Task<string> PatientAsync(this HttpClient client) => client.CreateAsync("""{"resourceType":"Patient","name":[{"family":"Roe"}]}""");

    /// <summary>An Appointment as $find proposes it: the time on the schedules, with the patient.</summary>
    public static string Proposal(string start, string end, string patient, params string[] schedules)
    {
        var extensions = string.Join(',', schedules.Select(s => $$$"""{"url":"{{{Ext}}}schedule","valueReference":{"reference":"{{{s}}}"}}"""));
        return $$"""
            {"resourceType":"Appointment","status":"proposed","start":"{{start}}","end":"{{end}}",{{(extensions.Length == 0 ? "" : $"\"extension\":[{extensions}],")}}
             "participant":[{"actor":{"reference":"{{patient}}"},"status":"needs-action"}]}
            """;
    }


    public static StringContent WithAppointment(string appointmentJson) =>
        FhirServerFactory.Json($$"""{"resourceType":"Parameters","parameter":[{"name":"appointment","resource":{{appointmentJson}}}]}""");

    public static StringContent WithReason(string reason) =>
        FhirServerFactory.Json($$"""{"resourceType":"Parameters","parameter":[{"name":"reason","valueString":"{{reason}}"}]}""");

    public static Task<HttpResponseMessage> BookAsync(this HttpClient client, string start, string end, string patient, params string[] schedules) =>
        client.PostAsync("Appointment/$book", WithAppointment(Proposal(start, end, patient, schedules)));

    /// <summary>Books and asserts success; returns the booked Appointment.</summary>
    public static async Task<JsonNode> BookedAsync(this HttpClient client, string start, string end, string patient, params string[] schedules)
    {
        var response = await client.BookAsync(start, end, patient, schedules);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    /// <summary>The proposals of a $find as (start, end) in UTC.</summary>
    public static async Task<List<(DateTimeOffset Start, DateTimeOffset End)>> FindAsync(this HttpClient client, string query)
    {
        var response = await client.GetAsync("Appointment/$find?" + query);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var bundle = await response.JsonAsync();
        return (bundle["entry"]?.AsArray() ?? []).Select(e => (DateTimeOffset.Parse((string)e!["resource"]!["start"]!), DateTimeOffset.Parse((string)e["resource"]!["end"]!))).ToList();
    }

    public static string Id(JsonNode resource) => (string)resource["id"]!;
}
