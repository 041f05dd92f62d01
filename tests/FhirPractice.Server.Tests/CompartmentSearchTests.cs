using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;
using static FhirPractice.Server.Tests.Infrastructure.SearchHttp;
using static FhirPractice.Server.Tests.Infrastructure.SearchPages;

namespace FhirPractice.Server.Tests;

/// <summary>Compartment search: [compartment]/[id]/[type or *], membership from the R4 CompartmentDefinitions.</summary>
public sealed class CompartmentSearchTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    private static string Ref(string reference) => $$"""{"reference":"{{reference}}"}""";

    private static string Observation(string code, string subject, string extra = "") =>
        $$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"urn:test:compartment","code":"{{code}}"}]},"subject":{{Ref(subject)}}{{extra}}}""";

    private static string Appointment(params string[] actors) =>
        $$"""{"resourceType":"Appointment","status":"booked","participant":[{{string.Join(",", actors.Select(a => $$"""{"actor":{{Ref(a)}},"status":"accepted"}"""))}}]}""";

    /// <summary>
    /// A patient with two Appointments' worth of data, a Practitioner who sees them, and a second patient whose data
    /// must not show in the first one's compartment (except the Observation the first one performed).
    /// </summary>
    private sealed record Arrangement(
        string Code, string Patient, string Other, string Practitioner, string Organization,
        string Appointment, string OtherAppointment, string Response,
        string Observation, string SecondObservation, string PerformedObservation, string OtherObservation,
        string Encounter, string OtherEncounter);

    private async Task<Arrangement> ArrangeAsync()
    {
        var code = FhirHttp.Unique();
        var patient = await _client.CreateAsync("""{"resourceType":"Patient","name":[{"family":"Compartment"}]}""");
        var other = await _client.CreateAsync("""{"resourceType":"Patient","name":[{"family":"Other"}]}""");
        var practitioner = await _client.CreateAsync("""{"resourceType":"Practitioner","name":[{"family":"Doctor"}]}""");
        var organization = await _client.CreateAsync("""{"resourceType":"Organization","name":"Practice"}""");
        var appointment = await _client.CreateAsync(Appointment(patient, practitioner));
        var otherAppointment = await _client.CreateAsync(Appointment(other));
        var response = await _client.CreateAsync($$"""{"resourceType":"AppointmentResponse","appointment":{{Ref(appointment)}},"actor":{{Ref(patient)}},"participantStatus":"accepted"}""");
        var encounter = await _client.CreateAsync($$"""{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},"subject":{{Ref(patient)}},"participant":[{"individual":{{Ref(practitioner)}}}],"serviceProvider":{{Ref(organization)}}}""");
        var otherEncounter = await _client.CreateAsync($$"""{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},"subject":{{Ref(other)}}}""");
        var observation = await _client.CreateAsync(Observation(code, patient, $$""","encounter":{{Ref(encounter)}}"""));
        var second = await _client.CreateAsync(Observation(code + "-2", patient));
        // In the other patient's compartment by subject, and in the first one's because that patient performed it.
        var performed = await _client.CreateAsync(Observation(code, other, $$""","performer":[{{Ref(patient)}}]"""));
        var otherObservation = await _client.CreateAsync(Observation(code, other, $$""","performer":[{{Ref(practitioner)}}]"""));
        return new Arrangement(code, patient, other, practitioner, organization, appointment, otherAppointment, response,
            observation, second, performed, otherObservation, encounter, otherEncounter);
    }

    [Fact]
    public async Task Observations_in_a_patient_compartment_are_those_whose_subject_or_performer_is_the_patient()
    {
        var a = await ArrangeAsync();

        var bundle = await _client.SearchAsync($"{a.Patient}/Observation");

        Assert.Equal(Sorted(a.Observation, a.SecondObservation, a.PerformedObservation), Matches(bundle));
        Assert.Equal($"{FhirServerFactory.BaseUrl}/{a.Patient}/Observation", Link(bundle, "self"));
    }

    [Fact]
    public async Task Other_search_parameters_combine_with_the_compartment()
    {
        var a = await ArrangeAsync();

        var bundle = await _client.SearchAsync($"{a.Patient}/Observation?code=urn:test:compartment|{a.Code}");

        Assert.Equal(Sorted(a.Observation, a.PerformedObservation), Matches(bundle));
        Assert.Equal($"{FhirServerFactory.BaseUrl}/{a.Patient}/Observation?code={Uri.EscapeDataString($"urn:test:compartment|{a.Code}")}", Link(bundle, "self"));
    }

    [Fact]
    public async Task Appointments_and_responses_are_in_the_compartment_of_their_actors()
    {
        var a = await ArrangeAsync();

        Assert.Equal([a.Appointment], Matches(await _client.SearchAsync($"{a.Patient}/Appointment")));
        Assert.Equal([a.Response], Matches(await _client.SearchAsync($"{a.Patient}/AppointmentResponse")));
        Assert.Equal([a.OtherAppointment], Matches(await _client.SearchAsync($"{a.Other}/Appointment")));
    }

    [Fact]
    public async Task Star_searches_every_type_in_the_compartment_including_the_patient_and_nothing_of_the_other_patient()
    {
        var a = await ArrangeAsync();

        var bundle = await _client.SearchAsync($"{a.Patient}/*");

        Assert.Equal(Sorted(a.Patient, a.Appointment, a.Response, a.Encounter, a.Observation, a.SecondObservation, a.PerformedObservation), Matches(bundle));
    }

    [Fact]
    public async Task Star_takes_the_common_parameters()
    {
        var a = await ArrangeAsync();
        var id = a.Observation.Split('/')[1];

        Assert.Equal([a.Observation], Matches(await _client.SearchAsync($"{a.Patient}/*?_id={id}")));
    }

    [Fact]
    public async Task Star_pages_with_next_links_that_keep_the_compartment()
    {
        var a = await ArrangeAsync();
        var seen = new List<string>();
        string? url = $"{a.Patient}/*?_count=2";
        while (url is not null)
        {
            var page = await _client.SearchAsync(url);
            Assert.True(Matches(page).Count <= 2);
            seen.AddRange(Matches(page));
            url = Link(page, "next");
            Assert.True(url is null || url.StartsWith($"{FhirServerFactory.BaseUrl}/{a.Patient}/*?", StringComparison.Ordinal), url);
        }
        Assert.Equal(Sorted(a.Patient, a.Appointment, a.Response, a.Encounter, a.Observation, a.SecondObservation, a.PerformedObservation),
            seen.Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task Includes_combine_with_the_compartment()
    {
        var a = await ArrangeAsync();

        var bundle = await _client.SearchAsync($"{a.Patient}/Appointment?_include=Appointment:actor");

        Assert.Equal([a.Appointment], Matches(bundle));
        Assert.Equal(Sorted(a.Patient, a.Practitioner), Matches(bundle, "include"));
    }

    [Fact]
    public async Task Sorting_combines_with_the_compartment()
    {
        var a = await ArrangeAsync();

        var bundle = await _client.SearchAsync($"{a.Patient}/Observation?_sort=-_lastUpdated");

        var inOrder = bundle["entry"]!.AsArray().Select(e => $"Observation/{(string?)e!["resource"]!["id"]}").ToList();
        Assert.Equal([a.PerformedObservation, a.SecondObservation, a.Observation], inOrder); // newest first
    }

    [Fact]
    public async Task Search_by_post_on_a_compartment_takes_the_parameters_from_the_body()
    {
        var a = await ArrangeAsync();

        var response = await _client.PostAsync($"{a.Patient}/Observation/_search",
            FhirHttp.Raw($"code=urn:test:compartment|{a.Code}-2", "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([a.SecondObservation], Matches(await response.JsonAsync()));
    }

    [Fact]
    public async Task Practitioner_compartment_holds_what_the_practitioner_took_part_in_and_the_practitioner()
    {
        var a = await ArrangeAsync();

        Assert.Equal([a.Appointment], Matches(await _client.SearchAsync($"{a.Practitioner}/Appointment")));
        Assert.Equal([a.OtherObservation], Matches(await _client.SearchAsync($"{a.Practitioner}/Observation")));
        Assert.Equal(Sorted(a.Practitioner, a.Appointment, a.Encounter, a.OtherObservation), Matches(await _client.SearchAsync($"{a.Practitioner}/*")));
    }

    [Fact]
    public async Task Encounter_compartment_holds_the_encounter_and_what_refers_to_it()
    {
        var a = await ArrangeAsync();

        Assert.Equal(Sorted(a.Encounter, a.Observation), Matches(await _client.SearchAsync($"{a.Encounter}/*")));
        Assert.Empty(Matches(await _client.SearchAsync($"{a.OtherEncounter}/Observation")));
    }

    [Fact]
    public async Task A_type_that_is_never_in_the_compartment_gives_an_empty_searchset()
    {
        var a = await ArrangeAsync();

        var bundle = await _client.SearchAsync($"{a.Patient}/Organization");

        Assert.Empty(Matches(bundle));
    }

    [Theory]
    [InlineData("Observation/{obs}/Patient", "not a compartment")]
    [InlineData("{patient}/NoSuchType", "NoSuchType")]
    [InlineData("Patient/no-such-patient/Observation", "Patient/no-such-patient")]
    [InlineData("Practitioner/no-such-practitioner/*", "Practitioner/no-such-practitioner")]
    public async Task An_unknown_compartment_type_target_type_or_id_is_a_404(string template, string diagnostics)
    {
        var a = await ArrangeAsync();
        var url = template.Replace("{obs}", a.Observation.Split('/')[1]).Replace("{patient}", a.Patient);

        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync(url), HttpStatusCode.NotFound, diagnostics);
    }

    [Fact]
    public async Task A_deleted_patient_has_no_compartment()
    {
        var a = await ArrangeAsync();
        Assert.True((await _client.DeleteAsync(a.Other)).IsSuccessStatusCode);

        await FhirHttp.AssertOutcomeAsync(await _client.GetAsync($"{a.Other}/Observation"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_bad_parameter_is_refused_under_strict_handling_and_reported_under_lenient()
    {
        var a = await ArrangeAsync();

        await FhirHttp.AssertOutcomeAsync(await _client.SendAsync(HttpMethod.Get, $"{a.Patient}/Observation?nosuch=1", null, ("Prefer", "handling=strict")),
            HttpStatusCode.BadRequest, "nosuch");
        var lenient = await _client.SearchAsync($"{a.Patient}/Observation?nosuch=1");
        Assert.Equal(Sorted(a.Observation, a.SecondObservation, a.PerformedObservation), Matches(lenient));
        Assert.Single(Matches(lenient, "outcome"));
    }

    [Fact]
    public async Task Other_methods_on_a_compartment_are_not_allowed()
    {
        var a = await ArrangeAsync();

        await FhirHttp.AssertOutcomeAsync(await _client.PostAsync($"{a.Patient}/Observation", FhirServerFactory.Json(Observation("x", a.Patient))),
            HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task The_capability_statement_lists_the_compartments()
    {
        var metadata = await (await _client.GetAsync("metadata")).JsonAsync();

        var compartments = metadata["rest"]![0]!["compartment"]!.AsArray().Select(c => (string)c!).ToList();
        Assert.Equal(Sorted("http://hl7.org/fhir/CompartmentDefinition/device", "http://hl7.org/fhir/CompartmentDefinition/encounter",
            "http://hl7.org/fhir/CompartmentDefinition/patient", "http://hl7.org/fhir/CompartmentDefinition/practitioner",
            "http://hl7.org/fhir/CompartmentDefinition/relatedPerson"), compartments);
    }
}
