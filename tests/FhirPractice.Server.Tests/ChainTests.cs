using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;
using static FhirPractice.Server.Tests.Infrastructure.SearchHttp;

namespace FhirPractice.Server.Tests;

/// <summary>Chained parameters (<c>subject:Patient.name</c>) and reverse chaining (<c>_has</c>).</summary>
public sealed class ChainTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    private readonly HttpClient _client = server.Client;

    private const string System = "urn:test:chain";

    private static string Observation(string code, string subject) =>
        $$$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"{{{System}}}","code":"{{{code}}}"}]},"subject":{"reference":"{{{subject}}}"}}""";

    private Task<string> PatientAsync(string family, string extra = "") =>
        _client.CreateAsync($$"""{"resourceType":"Patient","name":[{"family":"{{family}}"}]{{extra}}}""");

    private static string SelfLink(JsonNode bundle) =>
        Uri.UnescapeDataString((string)bundle["link"]!.AsArray().First(l => (string?)l!["relation"] == "self")!["url"]!);

    [Fact]
    public async Task Chain_with_and_without_a_type_finds_the_resources_whose_reference_target_matches()
    {
        var family = "Chain" + FhirHttp.Unique();
        var peter = await PatientAsync(family);
        var other = await PatientAsync("Other" + FhirHttp.Unique());
        var code = FhirHttp.Unique();
        var match = await _client.CreateAsync(Observation(code, peter));
        await _client.CreateAsync(Observation(code, other));

        Assert.Equal([match], await _client.MatchesAsync($"Observation?subject.name={family}"));
        Assert.Equal([match], await _client.MatchesAsync($"Observation?subject:Patient.name={family}"));
        Assert.Equal([match], await _client.MatchesAsync($"Observation?code={System}|{code}&subject:Patient.family={family}"));
        var bundle = await _client.SearchAsync($"Observation?subject:Patient.name={family}");
        Assert.Contains($"subject:Patient.name={family}", SelfLink(bundle));
        Assert.DoesNotContain(bundle["entry"]!.AsArray(), e => (string?)e!["search"]!["mode"] == "outcome");
    }

    [Fact]
    public async Task Chain_without_a_type_applies_to_every_target_type_that_has_the_parameter()
    {
        // Observation.subject may be a Group, Device, Patient or Location; only Patient and Location have "name".
        var name = "Multi" + FhirHttp.Unique();
        var patient = await PatientAsync(name);
        var location = await _client.CreateAsync($$"""{"resourceType":"Location","name":"{{name}}"}""");
        var code = FhirHttp.Unique();
        var onPatient = await _client.CreateAsync(Observation(code, patient));
        var onLocation = await _client.CreateAsync(Observation(code, location));
        await _client.CreateAsync(Observation(code, await PatientAsync("Else" + FhirHttp.Unique())));
        // A reference to another server's resource of the same type/id is no local target.
        await _client.CreateAsync(Observation(code, "http://elsewhere.example/fhir/" + patient));

        Assert.Equal(Sorted(onPatient, onLocation), await _client.MatchesAsync($"Observation?subject.name={name}"));
        Assert.Equal([onLocation], await _client.MatchesAsync($"Observation?subject:Location.name={name}"));
        Assert.Equal([onPatient], await _client.MatchesAsync($"Observation?code={System}|{code}&subject:Patient.name={name}"));
    }

    [Fact]
    public async Task Chain_over_several_hops_follows_each_reference()
    {
        var org = "Acme" + FhirHttp.Unique();
        var acme = await _client.CreateAsync($$"""{"resourceType":"Organization","name":"{{org}} Health"}""");
        var other = await _client.CreateAsync("""{"resourceType":"Organization","name":"Elsewhere"}""");
        var patient = await PatientAsync("Hop", $$""","managingOrganization":{"reference":"{{acme}}"}""");
        var elsewhere = await PatientAsync("Hop", $$""","managingOrganization":{"reference":"{{other}}"}""");
        var encounter = await _client.CreateAsync($$$"""{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},"subject":{"reference":"{{{patient}}}"}}""");
        await _client.CreateAsync($$$"""{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},"subject":{"reference":"{{{elsewhere}}}"}}""");

        Assert.Equal([encounter], await _client.MatchesAsync($"Encounter?subject:Patient.organization.name={org}"));
        Assert.Equal([encounter], await _client.MatchesAsync($"Encounter?subject:Patient.organization:Organization.name:contains={org[4..]}"));
        Assert.Empty(await _client.MatchesAsync($"Encounter?subject:Patient.organization.name:exact={org}"));
        Assert.Equal([encounter], await _client.MatchesAsync($"Encounter?subject:Patient.organization.name:exact={org} Health"));

        // Four hops are the most a chain may take (five are refused: see the unusable chains below).
        var parent = await _client.CreateAsync($$"""{"resourceType":"Organization","name":"Top {{org}}"}""");
        var middle = await _client.CreateAsync($$$"""{"resourceType":"Organization","name":"Middle","partOf":{"reference":"{{{parent}}}"}}""");
        var child = await _client.CreateAsync($$$"""{"resourceType":"Organization","name":"Child","partOf":{"reference":"{{{middle}}}"}}""");
        var deep = await PatientAsync("Hop", $$""","managingOrganization":{"reference":"{{child}}"}""");
        var far = await _client.CreateAsync($$$"""{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},"subject":{"reference":"{{{deep}}}"}}""");
        var bundle = await _client.SearchAsync($"Encounter?subject:Patient.organization.partof.partof.name=Top {org}");
        Assert.Equal([far], Matches(bundle));
        Assert.DoesNotContain(bundle["entry"]!.AsArray(), e => (string?)e!["search"]!["mode"] == "outcome");
    }

    [Fact]
    public async Task Chain_applies_prefixes_and_modifiers_of_the_last_parameter()
    {
        var code = FhirHttp.Unique();
        var young = await PatientAsync("Young", ""","birthDate":"2004-05-06" """);
        var old = await PatientAsync("Old", ""","birthDate":"1950-01-01" """);
        var onYoung = await _client.CreateAsync(Observation(code, young));
        var onOld = await _client.CreateAsync(Observation(code, old));

        Assert.Equal([onYoung], await _client.MatchesAsync($"Observation?code={System}|{code}&subject.birthdate=ge2000"));
        Assert.Equal([onOld], await _client.MatchesAsync($"Observation?code={System}|{code}&subject:Patient.birthdate=lt2000-01-01"));
        Assert.Equal(Sorted(onYoung, onOld), await _client.MatchesAsync($"Observation?code={System}|{code}&subject.birthdate=ge2000,le1960"));
        Assert.Equal([onOld], await _client.MatchesAsync($"Observation?code={System}|{code}&subject:Patient._id={old.Split('/')[1]}"));
    }

    [Fact]
    public async Task A_deleted_target_does_not_match()
    {
        var family = "Gone" + FhirHttp.Unique();
        var patient = await PatientAsync(family);
        var observation = await _client.CreateAsync(Observation(FhirHttp.Unique(), patient));
        Assert.Equal([observation], await _client.MatchesAsync($"Observation?subject:Patient.name={family}"));
        Assert.Equal([patient], await _client.MatchesAsync($"Patient?_has:Observation:subject:_id={observation.Split('/')[1]}"));

        Assert.True((await _client.DeleteAsync(patient)).IsSuccessStatusCode);
        Assert.Empty(await _client.MatchesAsync($"Observation?subject:Patient.name={family}"));

        var other = await PatientAsync(family);
        var second = await _client.CreateAsync(Observation(FhirHttp.Unique(), other));
        Assert.True((await _client.DeleteAsync(second)).IsSuccessStatusCode);
        Assert.Empty(await _client.MatchesAsync($"Patient?_has:Observation:subject:_id={second.Split('/')[1]}"));
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
            : await _client.CreateAsync(Observation(FhirHttp.Unique(), await PatientAsync("Lenient")))).Split('/')[1];
        var url = $"{type}?_id={id}&{parameter}";

        var bundle = await _client.SearchAsync(url, ("Prefer", "handling=lenient"));
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
        await _client.CreateAsync(Observation(code, patient));
        await _client.CreateAsync(Observation(code, patient));
        await _client.CreateAsync(Observation(FhirHttp.Unique(), other));

        Assert.Equal([patient], await _client.MatchesAsync($"Patient?_has:Observation:patient:code={code}"));
        Assert.Equal([patient], await _client.MatchesAsync($"Patient?_has:Observation:subject:code={System}|{code}"));
        Assert.Empty(await _client.MatchesAsync($"Patient?_has:Observation:patient:code=urn:other|{code}"));
        var bundle = await _client.SearchAsync($"Patient?_has:Observation:patient:code={code}&_total=accurate");
        Assert.Equal(1, (int)bundle["total"]!);
        Assert.Contains($"_has:Observation:patient:code={code}", SelfLink(bundle));
    }

    [Fact]
    public async Task Has_nests_and_combines_with_chains()
    {
        var practitioner = await _client.CreateAsync("""{"resourceType":"Practitioner"}""");
        var patient = await PatientAsync("Nested");
        var other = await PatientAsync("Nested");
        var audited = await _client.CreateAsync(Observation(FhirHttp.Unique(), patient));
        await _client.CreateAsync(Observation(FhirHttp.Unique(), other));
        await _client.CreateAsync($$$"""
            {"resourceType":"AuditEvent","type":{"system":"http://dicom.nema.org/resources/ontology/DCM","code":"110110"},"recorded":"2024-01-01T00:00:00Z",
             "agent":[{"who":{"reference":"{{{practitioner}}}"},"requestor":true}],"source":{"observer":{"reference":"{{{practitioner}}}"}},
             "entity":[{"what":{"reference":"{{{audited}}}"}}]}
            """);

        Assert.Equal([patient], await _client.MatchesAsync($"Patient?_has:Observation:patient:_has:AuditEvent:entity:agent={practitioner}"));
        Assert.Equal([audited], await _client.MatchesAsync($"Observation?_has:AuditEvent:entity:agent={practitioner}"));
        // Chain inside _has: the AuditEvent's agent is the practitioner, reached through _id.
        Assert.Equal([patient], await _client.MatchesAsync(
            $"Patient?_has:Observation:patient:_has:AuditEvent:entity:agent:Practitioner._id={practitioner.Split('/')[1]}"));
        Assert.Empty(await _client.MatchesAsync($"Patient?_has:Observation:patient:_has:AuditEvent:entity:agent=Practitioner/{FhirHttp.Unique()}"));
    }
}
