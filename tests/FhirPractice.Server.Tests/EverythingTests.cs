using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;
using static FhirPractice.Server.Tests.Infrastructure.SearchHttp;
using static FhirPractice.Server.Tests.Infrastructure.SearchPages;

namespace FhirPractice.Server.Tests;

/// <summary>Patient $everything: the compartment, what it refers to outside any patient compartment, _since, _type, paging.</summary>
public sealed class EverythingTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    private static string Ref(string reference) => $$"""{"reference":"{{reference}}"}""";

    private static string Observation(string subject, string extra = "") =>
        $$"""{"resourceType":"Observation","status":"final","code":{"text":"weight"},"subject":{{Ref(subject)}}{{extra}}}""";

    /// <summary>
    /// A patient with an Observation (performed by a Practitioner, focused on a second patient), an Encounter at a
    /// Location of an Organization, and a MedicationRequest for a Medication; the second patient has data of its own.
    /// </summary>
    private sealed record Arrangement(
        string Patient, string Other, string Practitioner, string OtherPractitioner, string Organization, string Location, string Medication,
        string Observation, string Encounter, string Request, string OtherObservation);

    private async Task<Arrangement> ArrangeAsync()
    {
        var patient = await _client.CreateAsync("""{"resourceType":"Patient","name":[{"family":"Everything"}]}""");
        var other = await _client.CreateAsync("""{"resourceType":"Patient","name":[{"family":"Other"}]}""");
        var practitioner = await _client.CreateAsync("""{"resourceType":"Practitioner","name":[{"family":"Doctor"}]}""");
        var otherPractitioner = await _client.CreateAsync("""{"resourceType":"Practitioner","name":[{"family":"Elsewhere"}]}""");
        var organization = await _client.CreateAsync("""{"resourceType":"Organization","name":"Practice"}""");
        var location = await _client.CreateAsync($$"""{"resourceType":"Location","name":"Room 1","managingOrganization":{{Ref(organization)}}}""");
        var medication = await _client.CreateAsync("""{"resourceType":"Medication","code":{"text":"aspirin"}}""");
        var observation = await _client.CreateAsync(Observation(patient, $$""","performer":[{{Ref(practitioner)}}],"focus":[{{Ref(other)}}]"""));
        var encounter = await _client.CreateAsync($$"""{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},"subject":{{Ref(patient)}},"location":[{"location":{{Ref(location)}}}],"serviceProvider":{{Ref(organization)}}}""");
        var request = await _client.CreateAsync($$"""{"resourceType":"MedicationRequest","status":"active","intent":"order","medicationReference":{{Ref(medication)}},"subject":{{Ref(patient)}}}""");
        var otherObservation = await _client.CreateAsync(Observation(other, $$""","performer":[{{Ref(otherPractitioner)}}]"""));
        return new Arrangement(patient, other, practitioner, otherPractitioner, organization, location, medication, observation, encounter, request, otherObservation);
    }

    [Fact]
    public async Task Everything_holds_the_patient_its_compartment_and_what_they_refer_to_outside_patient_compartments()
    {
        var a = await ArrangeAsync();

        var bundle = await _client.SearchAsync($"{a.Patient}/$everything");

        Assert.Equal(Sorted(a.Patient, a.Observation, a.Encounter, a.Request), Matches(bundle));
        // The focus of the Observation is another patient: a patient compartment type, so not brought in.
        Assert.Equal(Sorted(a.Practitioner, a.Organization, a.Location, a.Medication), Matches(bundle, "include"));
        Assert.Equal($"{FhirServerFactory.BaseUrl}/{a.Patient}/$everything", Link(bundle, "self"));
    }

    [Fact]
    public async Task Type_filters_the_compartment_and_the_referenced_resources()
    {
        var a = await ArrangeAsync();

        var observations = await _client.SearchAsync($"{a.Patient}/$everything?_type=Observation");
        var withPractitioners = await _client.SearchAsync($"{a.Patient}/$everything?_type=Observation,Practitioner");

        Assert.Equal([a.Observation], Matches(observations));
        Assert.Empty(Matches(observations, "include"));
        Assert.Equal([a.Observation], Matches(withPractitioners));
        Assert.Equal([a.Practitioner], Matches(withPractitioners, "include"));
    }

    [Fact]
    public async Task Since_keeps_only_what_changed_since_then()
    {
        var a = await ArrangeAsync();
        await Task.Delay(50);
        var update = await _client.PutAsync(a.Observation, FhirServerFactory.Json(
            Observation(a.Patient, $$""","id":"{{a.Observation.Split('/')[1]}}","performer":[{{Ref(a.Practitioner)}}]""")));
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        var since = (string)(await update.JsonAsync())["meta"]!["lastUpdated"]!;

        var bundle = await _client.SearchAsync($"{a.Patient}/$everything?_since={Uri.EscapeDataString(since)}");

        Assert.Equal([a.Observation], Matches(bundle));
        Assert.Empty(Matches(bundle, "include")); // the Practitioner was not updated since
        Assert.Contains("_since=", Link(bundle, "self"));
    }

    [Fact]
    public async Task Count_pages_through_next_links()
    {
        var patient = await _client.CreateAsync("""{"resourceType":"Patient"}""");
        var observations = new List<string>();
        for (var i = 0; i < 7; i++) observations.Add(await _client.CreateAsync(Observation(patient)));

        var seen = new List<string>();
        var pages = 0;
        string? url = $"{patient}/$everything?_count=3";
        while (url is not null)
        {
            var page = await _client.SearchAsync(url);
            pages++;
            Assert.True(Matches(page).Count <= 3);
            seen.AddRange(Matches(page));
            url = Link(page, "next");
            Assert.True(url is null || url.Contains("_count=3", StringComparison.Ordinal), url);
        }

        Assert.Equal(3, pages);
        Assert.Equal(Sorted([patient, .. observations]), seen.Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task Post_takes_the_parameters_from_a_parameters_resource()
    {
        var a = await ArrangeAsync();

        var response = await _client.PostAsync($"{a.Patient}/$everything", FhirServerFactory.Json(
            """{"resourceType":"Parameters","parameter":[{"name":"_type","valueCode":"Encounter,Location"},{"name":"_count","valueInteger":10}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bundle = await response.JsonAsync();
        Assert.Equal([a.Encounter], Matches(bundle));
        Assert.Equal([a.Location], Matches(bundle, "include"));
    }

    [Fact]
    public async Task Type_level_everything_covers_every_patient()
    {
        var a = await ArrangeAsync();
        var seen = new List<string>();
        string? url = "Patient/$everything?_type=Patient,Observation&_count=1000";
        while (url is not null)
        {
            var page = await _client.SearchAsync(url);
            seen.AddRange(Matches(page));
            url = Link(page, "next");
        }

        Assert.Contains(a.Patient, seen);
        Assert.Contains(a.Other, seen);
        Assert.Contains(a.Observation, seen);
        Assert.Contains(a.OtherObservation, seen);
        Assert.DoesNotContain(a.Encounter, seen);
    }

    [Fact]
    public async Task An_unknown_patient_is_a_404()
    {
        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync("Patient/no-such-patient/$everything"), HttpStatusCode.NotFound, "Patient/no-such-patient");
    }

    [Theory]
    [InlineData("_since=yesterday", "_since")]
    [InlineData("_type=Observation,NoSuchType", "NoSuchType")]
    [InlineData("_count=0", "_count")]
    [InlineData("_count=many", "_count")]
    [InlineData("_page=abc", "_page")]
    [InlineData("_count=1&_count=2", "_count")]
    public async Task Bad_parameters_are_a_400(string query, string diagnostics)
    {
        var patient = await _client.CreateAsync("""{"resourceType":"Patient"}""");

        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"{patient}/$everything?{query}"), HttpStatusCode.BadRequest, diagnostics);
    }

    [Fact]
    public async Task An_unsupported_parameter_is_refused_under_strict_handling_and_reported_under_lenient()
    {
        var patient = await _client.CreateAsync("""{"resourceType":"Patient"}""");

        await FhirHttp.AssertOutcomeAsync(await _client.SendAsync(HttpMethod.Get, $"{patient}/$everything?start=2020", null, ("Prefer", "handling=strict")),
            HttpStatusCode.BadRequest, "start");
        var lenient = await _client.SearchAsync($"{patient}/$everything?start=2020");
        Assert.Equal([patient], Matches(lenient));
        Assert.Single(Matches(lenient, "outcome"));
    }

    [Fact]
    public async Task Everything_is_offered_only_on_patient()
    {
        var practitioner = await _client.CreateAsync("""{"resourceType":"Practitioner"}""");

        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"{practitioner}/$everything"), HttpStatusCode.NotFound, "everything");
    }

    [Fact]
    public async Task The_capability_statement_lists_everything_under_patient()
    {
        var metadata = await (await _client.GetAsync("metadata")).JsonAsync();

        var resources = metadata["rest"]![0]!["resource"]!.AsArray();
        var patient = resources.Single(r => (string?)r!["type"] == "Patient")!;
        Assert.Contains(patient["operation"]!.AsArray(), o => (string?)o!["name"] == "everything"
            && (string?)o["definition"] == "http://hl7.org/fhir/OperationDefinition/Patient-everything");
        var practitioner = resources.Single(r => (string?)r!["type"] == "Practitioner")!;
        Assert.DoesNotContain(practitioner["operation"]?.AsArray() ?? [], o => (string?)o!["name"] == "everything");
    }
}
