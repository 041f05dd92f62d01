using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests;

/// <summary>Chained parameters (<c>subject:Patient.name</c>) and reverse chaining (<c>_has</c>).</summary>
public sealed class ChainTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    private const string System = "urn:test:chain";

    private static string Observation(string code, string subject) =>
        $$$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"{{{System}}}","code":"{{{code}}}"}]},"subject":{"reference":"{{{subject}}}"}}""";

    private async Task<string> CreateAsync(string type, string json)
    {
        var response = await _client.PostAsync(type, FhirServerFactory.Json(json));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return $"{type}/{(string)(await response.JsonAsync())["id"]!}";
    }

    private Task<string> PatientAsync(string family, string extra = "") =>
        CreateAsync("Patient", $$"""{"resourceType":"Patient","name":[{"family":"{{family}}"}]{{extra}}}""");

    private async Task<JsonNode> SearchAsync(string url, params (string Name, string Value)[] headers)
    {
        var response = await _client.SendAsync(HttpMethod.Get, url, null, headers);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    private static List<string> Matches(JsonNode bundle) =>
        (bundle["entry"]?.AsArray() ?? []).Where(e => (string?)e!["search"]!["mode"] == "match")
            .Select(e => $"{(string)e!["resource"]!["resourceType"]!}/{(string?)e["resource"]!["id"]}").Order(StringComparer.Ordinal).ToList();

    private static string SelfLink(JsonNode bundle) =>
        Uri.UnescapeDataString((string)bundle["link"]!.AsArray().First(l => (string?)l!["relation"] == "self")!["url"]!);

    private static List<string> Sorted(params string[] items) => items.Order(StringComparer.Ordinal).ToList();

    private async Task<List<string>> MatchesAsync(string url) => Matches(await SearchAsync(url));

    [Fact]
    public async Task Chain_with_and_without_a_type_finds_the_resources_whose_reference_target_matches()
    {
        var family = "Chain" + FhirHttp.Unique();
        var peter = await PatientAsync(family);
        var other = await PatientAsync("Other" + FhirHttp.Unique());
        var code = FhirHttp.Unique();
        var match = await CreateAsync("Observation", Observation(code, peter));
        await CreateAsync("Observation", Observation(code, other));

        Assert.Equal([match], await MatchesAsync($"Observation?subject.name={family}"));
        Assert.Equal([match], await MatchesAsync($"Observation?subject:Patient.name={family}"));
        Assert.Equal([match], await MatchesAsync($"Observation?code={System}|{code}&subject:Patient.family={family}"));
        var bundle = await SearchAsync($"Observation?subject:Patient.name={family}");
        Assert.Contains($"subject:Patient.name={family}", SelfLink(bundle));
        Assert.DoesNotContain(bundle["entry"]!.AsArray(), e => (string?)e!["search"]!["mode"] == "outcome");
    }

    [Fact]
    public async Task Chain_without_a_type_applies_to_every_target_type_that_has_the_parameter()
    {
        // Observation.subject may be a Group, Device, Patient or Location; only Patient and Location have "name".
        var name = "Multi" + FhirHttp.Unique();
        var patient = await PatientAsync(name);
        var location = await CreateAsync("Location", $$"""{"resourceType":"Location","name":"{{name}}"}""");
        var code = FhirHttp.Unique();
        var onPatient = await CreateAsync("Observation", Observation(code, patient));
        var onLocation = await CreateAsync("Observation", Observation(code, location));
        await CreateAsync("Observation", Observation(code, await PatientAsync("Else" + FhirHttp.Unique())));
        // A reference to another server's resource of the same type/id is no local target.
        await CreateAsync("Observation", Observation(code, "http://elsewhere.example/fhir/" + patient));

        Assert.Equal(Sorted(onPatient, onLocation), await MatchesAsync($"Observation?subject.name={name}"));
        Assert.Equal([onLocation], await MatchesAsync($"Observation?subject:Location.name={name}"));
        Assert.Equal([onPatient], await MatchesAsync($"Observation?code={System}|{code}&subject:Patient.name={name}"));
    }

    [Fact]
    public async Task Chain_over_several_hops_follows_each_reference()
    {
        var org = "Acme" + FhirHttp.Unique();
        var acme = await CreateAsync("Organization", $$"""{"resourceType":"Organization","name":"{{org}} Health"}""");
        var other = await CreateAsync("Organization", """{"resourceType":"Organization","name":"Elsewhere"}""");
        var patient = await PatientAsync("Hop", $$""","managingOrganization":{"reference":"{{acme}}"}""");
        var elsewhere = await PatientAsync("Hop", $$""","managingOrganization":{"reference":"{{other}}"}""");
        var encounter = await CreateAsync("Encounter", $$$"""{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},"subject":{"reference":"{{{patient}}}"}}""");
        await CreateAsync("Encounter", $$$"""{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},"subject":{"reference":"{{{elsewhere}}}"}}""");

        Assert.Equal([encounter], await MatchesAsync($"Encounter?subject:Patient.organization.name={org}"));
        Assert.Equal([encounter], await MatchesAsync($"Encounter?subject:Patient.organization:Organization.name:contains={org[4..]}"));
        Assert.Empty(await MatchesAsync($"Encounter?subject:Patient.organization.name:exact={org}"));
        Assert.Equal([encounter], await MatchesAsync($"Encounter?subject:Patient.organization.name:exact={org} Health"));

        // Four hops are the most a chain may take (five are refused: see the unusable chains below).
        var parent = await CreateAsync("Organization", $$"""{"resourceType":"Organization","name":"Top {{org}}"}""");
        var middle = await CreateAsync("Organization", $$$"""{"resourceType":"Organization","name":"Middle","partOf":{"reference":"{{{parent}}}"}}""");
        var child = await CreateAsync("Organization", $$$"""{"resourceType":"Organization","name":"Child","partOf":{"reference":"{{{middle}}}"}}""");
        var deep = await PatientAsync("Hop", $$""","managingOrganization":{"reference":"{{child}}"}""");
        var far = await CreateAsync("Encounter", $$$"""{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},"subject":{"reference":"{{{deep}}}"}}""");
        var bundle = await SearchAsync($"Encounter?subject:Patient.organization.partof.partof.name=Top {org}");
        Assert.Equal([far], Matches(bundle));
        Assert.DoesNotContain(bundle["entry"]!.AsArray(), e => (string?)e!["search"]!["mode"] == "outcome");
    }

    [Fact]
    public async Task Chain_applies_prefixes_and_modifiers_of_the_last_parameter()
    {
        var code = FhirHttp.Unique();
        var young = await PatientAsync("Young", ""","birthDate":"2004-05-06" """);
        var old = await PatientAsync("Old", ""","birthDate":"1950-01-01" """);
        var onYoung = await CreateAsync("Observation", Observation(code, young));
        var onOld = await CreateAsync("Observation", Observation(code, old));

        Assert.Equal([onYoung], await MatchesAsync($"Observation?code={System}|{code}&subject.birthdate=ge2000"));
        Assert.Equal([onOld], await MatchesAsync($"Observation?code={System}|{code}&subject:Patient.birthdate=lt2000-01-01"));
        Assert.Equal(Sorted(onYoung, onOld), await MatchesAsync($"Observation?code={System}|{code}&subject.birthdate=ge2000,le1960"));
        Assert.Equal([onOld], await MatchesAsync($"Observation?code={System}|{code}&subject:Patient._id={old.Split('/')[1]}"));
    }

    [Fact]
    public async Task A_deleted_target_does_not_match()
    {
        var family = "Gone" + FhirHttp.Unique();
        var patient = await PatientAsync(family);
        var observation = await CreateAsync("Observation", Observation(FhirHttp.Unique(), patient));
        Assert.Equal([observation], await MatchesAsync($"Observation?subject:Patient.name={family}"));
        Assert.Equal([patient], await MatchesAsync($"Patient?_has:Observation:subject:_id={observation.Split('/')[1]}"));

        Assert.True((await _client.DeleteAsync(patient)).IsSuccessStatusCode);
        Assert.Empty(await MatchesAsync($"Observation?subject:Patient.name={family}"));

        var other = await PatientAsync(family);
        var second = await CreateAsync("Observation", Observation(FhirHttp.Unique(), other));
        Assert.True((await _client.DeleteAsync(second)).IsSuccessStatusCode);
        Assert.Empty(await MatchesAsync($"Patient?_has:Observation:subject:_id={second.Split('/')[1]}"));
    }

    [Theory]
    [InlineData("subject:Patient.nosuch=x")]
    [InlineData("subject.nosuch=x")]
    [InlineData("code.name=x")]
    [InlineData("subject:Medication.name=x")]
    [InlineData("subject:Patient.organization.partof.partof.partof.name=x")]
    [InlineData("_has:Observation:patient:nosuch=x")]
    [InlineData("_has:Observation:nosuch:code=x")]
    [InlineData("_has:NoSuchType:patient:code=x")]
    [InlineData("_has:Observation:patient=x")]
    public async Task An_unusable_chain_is_ignored_with_a_warning_or_refused_under_strict_handling(string parameter)
    {
        var type = parameter.StartsWith("_has", StringComparison.Ordinal) ? "Patient" : "Observation";
        var id = (type == "Patient"
            ? await PatientAsync("Lenient")
            : await CreateAsync("Observation", Observation(FhirHttp.Unique(), await PatientAsync("Lenient")))).Split('/')[1];
        var url = $"{type}?_id={id}&{parameter}";

        var bundle = await SearchAsync(url, ("Prefer", "handling=lenient"));
        Assert.Equal([$"{type}/{id}"], Matches(bundle));
        var outcome = bundle["entry"]!.AsArray().Single(e => (string?)e!["search"]!["mode"] == "outcome")!["resource"]!;
        Assert.Equal("warning", (string?)outcome["issue"]![0]!["severity"]);
        Assert.DoesNotContain(parameter.Split('=')[0], SelfLink(bundle));

        await FhirHttp.AssertOutcomeAsync(await _client.SendAsync(HttpMethod.Get, url, null, ("Prefer", "handling=strict")), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Has_finds_the_resources_referred_to_by_matching_resources()
    {
        var code = FhirHttp.Unique();
        var patient = await PatientAsync("Has");
        var other = await PatientAsync("Has");
        await CreateAsync("Observation", Observation(code, patient));
        await CreateAsync("Observation", Observation(code, patient));
        await CreateAsync("Observation", Observation(FhirHttp.Unique(), other));

        Assert.Equal([patient], await MatchesAsync($"Patient?_has:Observation:patient:code={code}"));
        Assert.Equal([patient], await MatchesAsync($"Patient?_has:Observation:subject:code={System}|{code}"));
        Assert.Empty(await MatchesAsync($"Patient?_has:Observation:patient:code=urn:other|{code}"));
        var bundle = await SearchAsync($"Patient?_has:Observation:patient:code={code}&_total=accurate");
        Assert.Equal(1, (int)bundle["total"]!);
        Assert.Contains($"_has:Observation:patient:code={code}", SelfLink(bundle));
    }

    [Fact]
    public async Task Has_nests_and_combines_with_chains()
    {
        var practitioner = await CreateAsync("Practitioner", """{"resourceType":"Practitioner"}""");
        var patient = await PatientAsync("Nested");
        var other = await PatientAsync("Nested");
        var audited = await CreateAsync("Observation", Observation(FhirHttp.Unique(), patient));
        await CreateAsync("Observation", Observation(FhirHttp.Unique(), other));
        await CreateAsync("AuditEvent", $$$"""
            {"resourceType":"AuditEvent","type":{"system":"http://dicom.nema.org/resources/ontology/DCM","code":"110110"},"recorded":"2024-01-01T00:00:00Z",
             "agent":[{"who":{"reference":"{{{practitioner}}}"},"requestor":true}],"source":{"observer":{"reference":"{{{practitioner}}}"}},
             "entity":[{"what":{"reference":"{{{audited}}}"}}]}
            """);

        Assert.Equal([patient], await MatchesAsync($"Patient?_has:Observation:patient:_has:AuditEvent:entity:agent={practitioner}"));
        Assert.Equal([audited], await MatchesAsync($"Observation?_has:AuditEvent:entity:agent={practitioner}"));
        // Chain inside _has: the AuditEvent's agent is the practitioner, reached through _id.
        Assert.Equal([patient], await MatchesAsync(
            $"Patient?_has:Observation:patient:_has:AuditEvent:entity:agent:Practitioner._id={practitioner.Split('/')[1]}"));
        Assert.Empty(await MatchesAsync($"Patient?_has:Observation:patient:_has:AuditEvent:entity:agent=Practitioner/{FhirHttp.Unique()}"));
    }
}
