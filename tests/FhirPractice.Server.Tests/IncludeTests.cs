using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;
using static FhirPractice.Server.Tests.Infrastructure.SearchHttp;

namespace FhirPractice.Server.Tests;

public sealed class IncludeTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    private static string Observation(string code, string subject, string extra = "") =>
        $$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"urn:test:include","code":"{{code}}"}]},"subject":{"reference":"{{subject}}"}{{extra}}}""";

    private async Task<string> CreateAsync(HttpClient client, string type, string json)
    {
        var response = await client.PostAsync(type, FhirServerFactory.Json(json));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (string)(await response.JsonAsync())["id"]!;
    }

    private Task<string> PatientAsync(string extra = "") => CreateAsync(_client, "Patient", $$"""{"resourceType":"Patient"{{extra}}}""");

    private static string SelfLink(JsonNode bundle) =>
        Uri.UnescapeDataString((string)bundle["link"]!.AsArray().First(l => (string?)l!["relation"] == "self")!["url"]!);

    [Fact]
    public async Task Include_adds_the_subjects_of_the_matches_once_with_mode_include()
    {
        var code = FhirHttp.Unique();
        var patient = await PatientAsync();
        var first = await CreateAsync(_client, "Observation", Observation(code, $"Patient/{patient}"));
        var second = await CreateAsync(_client, "Observation", Observation(code, $"Patient/{patient}"));

        var bundle = await _client.SearchAsync($"Observation?code=urn:test:include|{code}&_include=Observation:subject");

        Assert.Equal(Sorted($"Observation/{first}", $"Observation/{second}"), Matches(bundle, "match"));
        Assert.Equal([$"Patient/{patient}"], Matches(bundle, "include"));
        Assert.Contains("_include=Observation:subject", SelfLink(bundle));
        Assert.Empty(Matches(bundle, "outcome"));
    }

    [Fact]
    public async Task Revinclude_adds_the_resources_that_refer_to_the_matches()
    {
        var patient = await PatientAsync();
        var other = await PatientAsync();
        var code = FhirHttp.Unique();
        var first = await CreateAsync(_client, "Observation", Observation(code, $"Patient/{patient}"));
        var second = await CreateAsync(_client, "Observation", Observation(code, $"Patient/{patient}"));
        await CreateAsync(_client, "Observation", Observation(code, $"Patient/{other}"));

        var bundle = await _client.SearchAsync($"Patient?_id={patient}&_revinclude=Observation:subject");

        Assert.Equal([$"Patient/{patient}"], Matches(bundle, "match"));
        Assert.Equal(Sorted($"Observation/{first}", $"Observation/{second}"), Matches(bundle, "include"));
        Assert.Contains("_revinclude=Observation:subject", SelfLink(bundle));
    }

    /// <summary>An Organization, a Patient it manages, and a MedicationRequest for that Patient.</summary>
    private async Task<(string Organization, string Patient, string Request)> MedicationRequestForPatientOfOrganizationAsync()
    {
        var organization = await CreateAsync(_client, "Organization", """{"resourceType":"Organization","name":"Practice"}""");
        var patient = await PatientAsync($$""","managingOrganization":{"reference":"Organization/{{organization}}"}""");
        var request = await CreateAsync(_client, "MedicationRequest",
            $$$"""{"resourceType":"MedicationRequest","status":"active","intent":"order","medicationCodeableConcept":{"text":"aspirin"},"subject":{"reference":"Patient/{{{patient}}}"}}""");
        return (organization, patient, request);
    }

    [Fact]
    public async Task Include_iterate_follows_the_chain_from_included_resources()
    {
        var (organization, patient, request) = await MedicationRequestForPatientOfOrganizationAsync();

        var bundle = await _client.SearchAsync($"MedicationRequest?_id={request}&_include=MedicationRequest:subject&_include:iterate=Patient:organization");

        Assert.Equal([$"MedicationRequest/{request}"], Matches(bundle, "match"));
        Assert.Equal(Sorted($"Patient/{patient}", $"Organization/{organization}"), Matches(bundle, "include"));
        Assert.Contains("_include:iterate=Patient:organization", SelfLink(bundle));
    }

    [Fact]
    public async Task Include_from_another_type_without_iterate_is_ignored_with_a_warning()
    {
        var (organization, patient, request) = await MedicationRequestForPatientOfOrganizationAsync();

        var bundle = await _client.SearchAsync($"MedicationRequest?_id={request}&_include=MedicationRequest:subject&_include=Patient:organization");

        Assert.Equal([$"Patient/{patient}"], Matches(bundle, "include"));
        var outcome = bundle["entry"]!.AsArray().Single(e => (string?)e!["search"]!["mode"] == "outcome")!["resource"]!;
        Assert.Contains("Patient:organization", (string?)outcome["issue"]![0]!["diagnostics"]);
        Assert.DoesNotContain("Patient:organization", SelfLink(bundle));
    }

    [Fact]
    public async Task Wildcard_includes_every_reference_parameter()
    {
        var patient = await PatientAsync();
        var practitioner = await CreateAsync(_client, "Practitioner", """{"resourceType":"Practitioner","name":[{"family":"Who"}]}""");
        var observation = await CreateAsync(_client, "Observation",
            Observation(FhirHttp.Unique(), $"Patient/{patient}", $$""","performer":[{"reference":"Practitioner/{{practitioner}}"}]"""));

        foreach (var wildcard in new[] { "*", "Observation:*" })
        {
            var bundle = await _client.SearchAsync($"Observation?_id={observation}&_include={Uri.EscapeDataString(wildcard)}");

            Assert.Equal([$"Observation/{observation}"], Matches(bundle, "match"));
            Assert.Equal(Sorted($"Patient/{patient}", $"Practitioner/{practitioner}"), Matches(bundle, "include"));
            Assert.Contains("_include=Observation:*", SelfLink(bundle));
        }
    }

    [Fact]
    public async Task Include_with_a_target_type_keeps_only_that_type()
    {
        var code = FhirHttp.Unique();
        var patient = await PatientAsync();
        var group = await CreateAsync(_client, "Group", """{"resourceType":"Group","type":"person","actual":true}""");
        await CreateAsync(_client, "Observation", Observation(code, $"Patient/{patient}"));
        await CreateAsync(_client, "Observation", Observation(code, $"Group/{group}"));

        var all = await _client.SearchAsync($"Observation?code=urn:test:include|{code}&_include=Observation:subject");
        var patients = await _client.SearchAsync($"Observation?code=urn:test:include|{code}&_include=Observation:subject:Patient");

        Assert.Equal(Sorted($"Group/{group}", $"Patient/{patient}"), Matches(all, "include"));
        Assert.Equal([$"Patient/{patient}"], Matches(patients, "include"));
        Assert.Equal(2, Matches(patients, "match").Count);
        Assert.Contains("_include=Observation:subject:Patient", SelfLink(patients));
    }

    [Fact]
    public async Task A_resource_that_is_a_match_is_not_included_again()
    {
        var patient = await PatientAsync();
        var linked = await PatientAsync($$""","link":[{"other":{"reference":"Patient/{{patient}}"},"type":"seealso"}]""");

        var bundle = await _client.SearchAsync($"Patient?_id={patient},{linked}&_include=Patient:link");

        Assert.Equal(Sorted($"Patient/{patient}", $"Patient/{linked}"), Matches(bundle, "match"));
        Assert.Empty(Matches(bundle, "include"));
    }

    [Fact]
    public async Task References_to_another_server_are_not_included()
    {
        var patient = await PatientAsync();
        var code = FhirHttp.Unique();
        await CreateAsync(_client, "Observation", Observation(code, $"http://elsewhere.example/fhir/Patient/{patient}"));

        var bundle = await _client.SearchAsync($"Observation?code=urn:test:include|{code}&_include=Observation:subject");

        Assert.Single(Matches(bundle, "match"));
        Assert.Empty(Matches(bundle, "include"));
    }

    [Theory]
    [InlineData("_include=Observation:nosuchparam")]
    [InlineData("_include=Observation:code")]
    [InlineData("_include=Observation:subject:Medication")]
    [InlineData("_revinclude=NoSuchType:subject")]
    [InlineData("_include:deep=Observation:subject")]
    public async Task An_unusable_include_is_ignored_with_a_warning_or_refused_under_strict_handling(string include)
    {
        var patient = await PatientAsync();
        var observation = await CreateAsync(_client, "Observation", Observation(FhirHttp.Unique(), $"Patient/{patient}"));
        var url = $"Observation?_id={observation}&{include}";

        var bundle = await _client.SearchAsync(url, ("Prefer", "handling=lenient"));
        Assert.Equal([$"Observation/{observation}"], Matches(bundle, "match"));
        Assert.Empty(Matches(bundle, "include"));
        var outcome = bundle["entry"]!.AsArray().Single(e => (string?)e!["search"]!["mode"] == "outcome")!["resource"]!;
        Assert.Equal("warning", (string?)outcome["issue"]![0]!["severity"]);
        Assert.DoesNotContain(include.Split('=')[1], SelfLink(bundle));

        await FhirHttp.AssertOutcomeAsync(await _client.SendAsync(HttpMethod.Get, url, null, ("Prefer", "handling=strict")), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Summary_count_returns_the_total_without_entries()
    {
        var patient = await PatientAsync();
        var code = FhirHttp.Unique();
        for (var i = 0; i < 3; i++) await CreateAsync(_client, "Observation", Observation(code, $"Patient/{patient}"));

        var bundle = await _client.SearchAsync($"Observation?code=urn:test:include|{code}&_summary=count&_total=accurate&_include=Observation:subject");
        var withoutTotal = await _client.SearchAsync($"Observation?code=urn:test:include|{code}&_summary=count");

        Assert.Equal(3, (int)bundle["total"]!);
        Assert.Null(bundle["entry"]);
        Assert.Equal(3, (int)withoutTotal["total"]!);
        Assert.Null(withoutTotal["entry"]);
        Assert.Contains("_summary=count", SelfLink(bundle));
    }

    [Fact]
    public async Task Elements_cut_each_entry_resource_and_tag_it_subsetted_but_not_the_bundle()
    {
        var patient = await PatientAsync(""","birthDate":"1970-01-01","gender":"female","name":[{"family":"Kept"}]""");
        var code = FhirHttp.Unique();
        await CreateAsync(_client, "Observation", Observation(code, $"Patient/{patient}", ""","valueString":"secret" """));

        var bundle = await _client.SearchAsync($"Observation?code=urn:test:include|{code}&_include=Observation:subject&_elements=subject,birthDate&_total=accurate");

        Assert.Equal(1, (int)bundle["total"]!);
        Assert.NotNull(bundle["link"]);
        var entries = bundle["entry"]!.AsArray().Select(e => e!["resource"]!).ToList();
        Assert.Equal(2, entries.Count);
        var observation = entries.Single(e => (string?)e["resourceType"] == "Observation");
        var included = entries.Single(e => (string?)e["resourceType"] == "Patient");
        Assert.NotNull(observation["subject"]);
        Assert.Null(observation["valueString"]);
        Assert.NotNull(observation["code"]); // mandatory elements stay, as the specification asks
        Assert.Equal("1970-01-01", (string?)included["birthDate"]);
        Assert.Null(included["name"]);
        Assert.All(entries, e =>
        {
            Assert.NotNull(e["id"]);
            Assert.Contains(e["meta"]!["tag"]!.AsArray(), t => (string?)t!["code"] == "SUBSETTED");
        });
        Assert.Contains("_elements=subject,birthDate", SelfLink(bundle));
    }

    [Fact]
    public async Task Summary_data_drops_the_narrative_of_each_entry()
    {
        var patient = await PatientAsync(""","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">Someone</div>"},"gender":"male" """);

        var bundle = await _client.SearchAsync($"Patient?_id={patient}&_summary=data");

        var resource = bundle["entry"]![0]!["resource"]!;
        Assert.Null(resource["text"]);
        Assert.Equal("male", (string?)resource["gender"]);
        Assert.Contains(resource["meta"]!["tag"]!.AsArray(), t => (string?)t!["code"] == "SUBSETTED");
    }
}

public sealed class IncludeCapTests(SmallIncludeCapServerFactory server) : IClassFixture<SmallIncludeCapServerFactory>
{
    private readonly HttpClient _client = server.Client;

    [Fact]
    public async Task Included_resources_beyond_the_cap_are_cut_off_with_a_warning()
    {
        var patient = (string)(await (await _client.PostAsync("Patient", FhirServerFactory.Json("""{"resourceType":"Patient"}"""))).JsonAsync())["id"]!;
        for (var i = 0; i < SmallIncludeCapServerFactory.MaxIncluded + 2; i++)
            Assert.Equal(HttpStatusCode.Created, (await _client.PostAsync("Observation", FhirServerFactory.Json(
                $$$"""{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/{{{patient}}}"}}"""))).StatusCode);

        var bundle = await (await _client.GetAsync($"Patient?_id={patient}&_revinclude=Observation:subject")).JsonAsync();

        var entries = bundle["entry"]!.AsArray();
        Assert.Single(entries, e => (string?)e!["search"]!["mode"] == "match");
        Assert.Equal(SmallIncludeCapServerFactory.MaxIncluded, entries.Count(e => (string?)e!["search"]!["mode"] == "include"));
        var outcome = entries.Single(e => (string?)e!["search"]!["mode"] == "outcome")!["resource"]!;
        Assert.Contains("truncated", (string?)outcome["issue"]![0]!["diagnostics"]);
    }
}
