using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests.Search;

/// <summary>
/// _include:iterate over reference loops, _revinclude of AppointmentResponses, and a chain of three hops through
/// three different types.
/// </summary>
public sealed class IncludeCycleTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    /// <summary>"Type/id" of each entry with the given search mode, sorted; duplicates kept, so a repeated entry shows.</summary>
    private static List<string> Entries(JsonNode bundle, string mode) =>
        (bundle["entry"]?.AsArray() ?? []).Where(e => (string?)e!["search"]!["mode"] == mode)
            .Select(e => $"{(string)e!["resource"]!["resourceType"]!}/{(string?)e["resource"]!["id"]}").Order(StringComparer.Ordinal).ToList();

    private Task<JsonNode> SearchAsync(string url) => _client.SearchAsync(url, ("Prefer", "handling=strict"));

    [Fact]
    public async Task Include_iterate_over_two_patients_linked_to_each_other_ends_and_includes_the_other_once()
    {
        var (a, b) = ($"p{FhirHttp.Unique()}", $"p{FhirHttp.Unique()}");
        await _client.PutNewAsync("Patient", a, $$""" "link":[{"other":{"reference":"Patient/{{b}}"},"type":"seealso"}]""");
        await _client.PutNewAsync("Patient", b, $$""" "link":[{"other":{"reference":"Patient/{{a}}"},"type":"seealso"}]""");

        var bundle = await SearchAsync($"Patient?_id={a}&_include:iterate=Patient:link");

        Assert.Equal([$"Patient/{a}"], Entries(bundle, "match"));
        Assert.Equal([$"Patient/{b}"], Entries(bundle, "include"));
    }

    [Fact]
    public async Task Include_and_revinclude_iterate_around_a_loop_of_three_encounters_include_each_once()
    {
        var ids = Enumerable.Range(0, 3).Select(_ => $"e{FhirHttp.Unique()}").ToArray();
        for (var i = 0; i < 3; i++)
            await _client.PutNewAsync("Encounter", ids[i], $$""" "status":"finished","class":{"code":"AMB"},"partOf":{"reference":"Encounter/{{ids[(i + 1) % 3]}}"}""");
        var others = ids[1..].Select(id => $"Encounter/{id}").Order(StringComparer.Ordinal).ToList();

        foreach (var include in new[] { "_include:iterate=Encounter:part-of", "_revinclude:iterate=Encounter:part-of",
                     "_include:iterate=Encounter:part-of&_revinclude:iterate=Encounter:part-of" })
        {
            var bundle = await SearchAsync($"Encounter?_id={ids[0]}&{include}");

            Assert.Equal([$"Encounter/{ids[0]}"], Entries(bundle, "match"));
            Assert.Equal(others, Entries(bundle, "include"));
        }
        // Without :iterate one step is taken: the encounter that part-of names, or the one that names it.
        Assert.Equal([$"Encounter/{ids[1]}"], Entries(await SearchAsync($"Encounter?_id={ids[0]}&_include=Encounter:part-of"), "include"));
        Assert.Equal([$"Encounter/{ids[2]}"], Entries(await SearchAsync($"Encounter?_id={ids[0]}&_revinclude=Encounter:part-of"), "include"));
    }

    [Fact]
    public async Task Revinclude_of_appointment_responses_adds_the_responses_to_the_matched_appointments()
    {
        var practitioner = await _client.CreateAsync("""{"resourceType":"Practitioner","name":[{"family":"Booked"}]}""");
        string Appointment(string status) =>
            $$"""{"resourceType":"Appointment","status":"{{status}}","participant":[{"actor":{"reference":"{{practitioner}}"},"status":"accepted"}]}""";
        var booked = await _client.CreateAsync(Appointment("booked"));
        var proposed = await _client.CreateAsync(Appointment("proposed"));
        string Response(string appointment, string status) =>
            $$$"""{"resourceType":"AppointmentResponse","appointment":{"reference":"{{{appointment}}}"},"participantStatus":"{{{status}}}","actor":{"reference":"{{{practitioner}}}"}}""";
        var accepted = await _client.CreateAsync(Response(booked, "accepted"));
        var tentative = await _client.CreateAsync(Response(booked, "tentative"));
        var onProposed = await _client.CreateAsync(Response(proposed, "needs-action"));

        var bundle = await SearchAsync($"Appointment?actor={practitioner}&status=booked&_revinclude=AppointmentResponse:appointment");

        Assert.Equal([booked], Entries(bundle, "match"));
        Assert.Equal(SearchHttp.Sorted(accepted, tentative), Entries(bundle, "include"));

        var both = await SearchAsync($"Appointment?actor={practitioner}&_revinclude=AppointmentResponse:appointment");
        Assert.Equal(SearchHttp.Sorted(booked, proposed), Entries(both, "match"));
        Assert.Equal(SearchHttp.Sorted(accepted, tentative, onProposed), Entries(both, "include"));

        // Deleted responses are left out.
        Assert.True((await _client.DeleteAsync(tentative)).IsSuccessStatusCode);
        Assert.Equal([accepted], Entries(await SearchAsync($"Appointment?_id={booked.Split('/')[1]}&_revinclude=AppointmentResponse:appointment"), "include"));
    }

    [Fact]
    public async Task A_chain_of_three_hops_through_encounter_patient_and_organization()
    {
        var name = "Three" + FhirHttp.Unique();
        var code = FhirHttp.Unique();
        async Task<string> ObservationThroughAsync(string organizationName)
        {
            var organization = await _client.CreateAsync($$"""{"resourceType":"Organization","name":"{{organizationName}}"}""");
            var patient = await _client.CreateAsync($$$"""{"resourceType":"Patient","managingOrganization":{"reference":"{{{organization}}}"}}""");
            var encounter = await _client.CreateAsync($$$"""{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},"subject":{"reference":"{{{patient}}}"}}""");
            return await _client.CreateAsync(
                $$$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"urn:test:three","code":"{{{code}}}"}]},"encounter":{"reference":"{{{encounter}}}"}}""");
        }
        var match = await ObservationThroughAsync(name + " Clinic");
        var other = await ObservationThroughAsync("Elsewhere " + FhirHttp.Unique());

        async Task<List<string>> MatchesAsync(string query) => SearchHttp.Matches(await SearchAsync(query));

        Assert.Equal([match], await MatchesAsync($"Observation?encounter.subject:Patient.organization.name={name}"));
        Assert.Equal([match], await MatchesAsync($"Observation?encounter:Encounter.patient.organization:Organization.name:exact={name} Clinic"));
        // Beside another criterion, which may drive while the chain is probed, or the other way round.
        Assert.Equal([match], await MatchesAsync($"Observation?code=urn:test:three|{code}&encounter.subject:Patient.organization.name={name}"));
        Assert.Equal(SearchHttp.Sorted(match, other), await MatchesAsync($"Observation?code=urn:test:three|{code}&encounter.subject:Patient.organization.name:missing=false"));
        Assert.Equal([other], await MatchesAsync($"Observation?code=urn:test:three|{code}&encounter.subject:Patient.organization.name:contains=where"));
        Assert.Empty(await MatchesAsync($"Observation?encounter.subject:Patient.organization.name:exact={name}"));
    }
}
