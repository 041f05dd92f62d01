using System.Net;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests.Security;

/// <summary>Scopes per type and interaction, v2 query filters, AuditEvent, and 401 versus 403.</summary>
public sealed class ScopeTests(SecuredServerFactory server) : IClassFixture<SecuredServerFactory>
{
    [Fact]
    public async Task No_token_is_a_401_with_a_bearer_challenge()
    {
        var anonymous = server.Client;
        foreach (var url in new[] { "Patient/pa", "Observation", "", "_history", "Patient/pa/$everything" })
        {
            var response = await anonymous.GetAsync(url);
            await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.Unauthorized, "access token");
            Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
        }
        await FhirHttp.AssertOutcomeAsync(await anonymous.PostAsync("", FhirServerFactory.Json("""{"resourceType":"Bundle","type":"batch"}""")), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_invalid_token_is_a_401()
    {
        var response = await server.Client.SendAsync(HttpMethod.Get, "Patient/pa", null, ("X-Test-Client", "invalid"));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_capability_statement_is_public_and_names_the_smart_endpoints()
    {
        var response = await server.Client.GetAsync("metadata");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var security = (await response.JsonAsync())["rest"]![0]!["security"]!;
        Assert.Equal("SMART-on-FHIR", (string?)security["service"]![0]!["coding"]![0]!["code"]);
        var oauth = security["extension"]!.AsArray().Single(e => (string?)e!["url"] == "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris")!;
        var uris = oauth["extension"]!.AsArray().ToDictionary(e => (string)e!["url"]!, e => (string)e!["valueUri"]!);
        Assert.Equal("http://localhost/auth/authorize", uris["authorize"]);
        Assert.Equal("http://localhost/auth/token", uris["token"]);
        Assert.Equal("http://localhost/auth/introspect", uris["introspect"]);
        Assert.Equal("http://localhost/auth/revoke", uris["revoke"]);
    }

    [Fact]
    public async Task A_read_only_token_cannot_write()
    {
        var reader = await server.ClientAsync(new TestToken("user/Observation.read"));
        var response = await reader.PostAsync("Observation", FhirServerFactory.Json("""{"resourceType":"Observation","status":"final","code":{"text":"x"}}"""));
        await FhirHttp.AssertOutcomeAsync(response, HttpStatusCode.Forbidden, "create");
        Assert.Contains("insufficient_scope", response.Headers.WwwAuthenticate.ToString());
        await FhirHttp.AssertOutcomeAsync(await reader.DeleteAsync("Observation/ob-lab"), HttpStatusCode.Forbidden);
        // v2 letters: rs reads and searches, but does not update.
        var v2 = await server.ClientAsync(new TestToken("user/Observation.rs"));
        Assert.Equal(HttpStatusCode.OK, (await v2.GetAsync("Observation/ob-lab")).StatusCode);
        await FhirHttp.AssertOutcomeAsync(await v2.PutAsync("Observation/ob-lab", FhirServerFactory.Json(
            """{"resourceType":"Observation","id":"ob-lab","status":"final","code":{"text":"x"}}""")), HttpStatusCode.Forbidden);
        // r without s: reads, but may not search.
        var readOnly = await server.ClientAsync(new TestToken("user/Observation.r"));
        Assert.Equal(HttpStatusCode.OK, (await readOnly.GetAsync("Observation/ob-lab")).StatusCode);
        await FhirHttp.AssertOutcomeAsync(await readOnly.GetAsync("Observation"), HttpStatusCode.Forbidden, "search");
    }

    [Fact]
    public async Task An_observation_token_cannot_read_conditions()
    {
        var client = await server.ClientAsync(new TestToken("user/Observation.rs"));
        await FhirHttp.AssertOutcomeAsync(await client.GetAsync("Condition/ca"), HttpStatusCode.Forbidden, "Condition");
        await FhirHttp.AssertOutcomeAsync(await client.GetAsync("Condition"), HttpStatusCode.Forbidden, "Condition");
        await FhirHttp.AssertOutcomeAsync(await client.GetAsync("Patient/pa/Condition"), HttpStatusCode.Forbidden);
        // A system search reaches Observations only.
        Assert.DoesNotContain(await client.MatchesAsync("?_type=Observation,Condition"), m => m.StartsWith("Condition/"));
    }

    [Fact]
    public async Task Scopes_without_resource_access_grant_nothing()
    {
        var client = await server.ClientAsync(new TestToken("openid fhirUser launch/patient offline_access", "pa"));
        await FhirHttp.AssertOutcomeAsync(await client.GetAsync("Patient/pa"), HttpStatusCode.Forbidden);
        // A patient/ scope without a patient in context reaches nobody.
        var noPatient = await server.ClientAsync(new TestToken("patient/Observation.rs"));
        await FhirHttp.AssertOutcomeAsync(await noPatient.GetAsync("Observation/oa-lab"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_user_token_is_not_confined_to_a_compartment()
    {
        var practitioner = await server.ClientAsync(new TestToken("user/Observation.rs user/Patient.rs"));
        Assert.Equal(HttpStatusCode.OK, (await practitioner.GetAsync("Observation/ob-lab")).StatusCode);
        Assert.Contains("Observation/ob-lab", await practitioner.MatchesAsync("Observation?subject:Patient.name=Beta"));
    }

    [Fact]
    public async Task A_v2_query_filter_constrains_search_and_read()
    {
        var lab = await server.ClientAsync(new TestToken("patient/Patient.rs patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory", "pa"));
        Assert.Equal(["Observation/oa-lab"], await lab.MatchesAsync("Observation"));
        Assert.Equal(["Observation/oa-lab"], await lab.MatchesAsync("Patient/pa/Observation"));
        Assert.Equal(HttpStatusCode.OK, (await lab.GetAsync("Observation/oa-lab")).StatusCode);
        await FhirHttp.AssertOutcomeAsync(await lab.GetAsync("Observation/oa-vital"), HttpStatusCode.NotFound);
        // Two filtered scopes on one type: either one suffices.
        var both = await server.ClientAsync(new TestToken("patient/Observation.rs?category=laboratory patient/Observation.rs?category=vital-signs", "pa"));
        Assert.Equal(["Observation/oa-lab", "Observation/oa-vital"], await both.MatchesAsync("Observation"));
        // A filter that is not a valid search of the type grants nothing.
        var broken = await server.ClientAsync(new TestToken("user/Observation.rs?no-such-parameter=1"));
        await FhirHttp.AssertOutcomeAsync(await broken.GetAsync("Observation"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AuditEvent_needs_a_scope_that_names_it()
    {
        var wildcard = await server.ClientAsync(new TestToken("user/*.*"));
        Assert.Equal(HttpStatusCode.OK, (await wildcard.GetAsync("Patient/pa")).StatusCode);
        await FhirHttp.AssertOutcomeAsync(await wildcard.GetAsync("AuditEvent/ae1"), HttpStatusCode.Forbidden, "AuditEvent");
        await FhirHttp.AssertOutcomeAsync(await wildcard.GetAsync("AuditEvent"), HttpStatusCode.Forbidden, "AuditEvent");
        Assert.DoesNotContain("AuditEvent/ae1", await wildcard.MatchesAsync("?_type=AuditEvent,Patient"));
        Assert.DoesNotContain("AuditEvent/ae1", SearchHttp.Matches(await wildcard.SearchAsync("Patient/pa/$everything")));
        await FhirHttp.AssertOutcomeAsync(await wildcard.GetAsync("_history"), HttpStatusCode.Forbidden);
        var auditor = await server.ClientAsync(new TestToken("user/AuditEvent.rs"));
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("AuditEvent/ae1")).StatusCode);
        Assert.Contains("AuditEvent/ae1", await auditor.MatchesAsync("AuditEvent"));
    }

    [Fact]
    public async Task AuditEvents_are_append_only_for_everyone()
    {
        var admin = await server.ClientAsync(SecuredServerFactory.Admin);
        await FhirHttp.AssertOutcomeAsync(await admin.DeleteAsync("AuditEvent/ae1"), HttpStatusCode.Forbidden, "append-only");
        await FhirHttp.AssertOutcomeAsync(await admin.PatchAsync("AuditEvent/ae1",
            FhirHttp.Raw("""[{"op":"replace","path":"/recorded","value":"2020-01-01T00:00:00Z"}]""", "application/json-patch+json")), HttpStatusCode.Forbidden);
        var existing = await (await admin.GetAsync("AuditEvent/ae1")).Content.ReadAsStringAsync();
        await FhirHttp.AssertOutcomeAsync(await admin.PutAsync("AuditEvent/ae1", FhirServerFactory.Json(existing.Replace("2024-01-01", "2020-01-01"))), HttpStatusCode.Forbidden);
        // New ones can be recorded.
        var id = FhirHttp.Unique();
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsync($"AuditEvent/{id}", FhirServerFactory.Json(existing.Replace("\"ae1\"", $"\"{id}\"")))).StatusCode);
    }

    [Fact]
    public async Task Staff_endpoints_need_access_to_everything()
    {
        await FhirHttp.AssertOutcomeAsync(await server.Client.GetAsync("$hl7v2-messages"), HttpStatusCode.Unauthorized);
        var patient = await server.ClientAsync(new TestToken("patient/*.rs", "pa"));
        await FhirHttp.AssertOutcomeAsync(await patient.GetAsync("$hl7v2-messages"), HttpStatusCode.Forbidden);
        await FhirHttp.AssertOutcomeAsync(await patient.PostAsync("$reindex", null), HttpStatusCode.Forbidden);
        var staff = await server.ClientAsync(new TestToken("user/*.rs"));
        Assert.Equal(HttpStatusCode.OK, (await staff.GetAsync("$hl7v2-messages")).StatusCode);
    }
}
