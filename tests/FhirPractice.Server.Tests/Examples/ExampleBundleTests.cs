using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using FhirPractice.Fhir.Tests;
using FhirPractice.Server.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace FhirPractice.Server.Tests.Examples;

/// <summary>
/// The R4 example transaction and batches, posted to the base, answer like the example responses
/// published beside them: entry by entry the same status code, a location of the same shape where the
/// example has one, a resource of the same type where the example has one. Ids the server assigns differ.
/// Each test seeds its own state, so each runs on a server of its own (a fresh database).
/// </summary>
public sealed class ExampleBundleTests : IDisposable
{
    private const string Examples = ExampleRoundTripTests.ExamplesFolder;
    private static readonly FhirJsonDeserializer Parser = new();
    private readonly FhirServerFactory _server = new();
    private HttpClient _client => _server.Client;

    public void Dispose() => _server.Dispose();

    // ---- the transaction: Bundle-bundle-transaction.json → Bundle-bundle-response.json ----

    /// <summary>
    /// The state the example transaction presumes, made through the API. Each step is what one entry of the
    /// example needs to get the answer Bundle-bundle-response.json shows for it.
    /// </summary>
    private async System.Threading.Tasks.Task SeedTransactionStateAsync()
    {
        // entry[1] POST Patient, If-None-Exist identifier=http:/example.org/fhir/ids|234234 → "200 OK" (no location):
        // the condition finds one existing Patient, so nothing is created.
        await Send(HttpMethod.Post, "Patient", """{"resourceType":"Patient","identifier":[{"system":"http:/example.org/fhir/ids","value":"234234"}]}""", HttpStatusCode.Created);

        // entry[2] PUT Patient/123 → "200 OK", location Patient/123/_history/4: Patient/123 exists at version 3.
        for (var i = 0; i < 3; i++)
            await Send(HttpMethod.Put, "Patient/123", $$"""{"resourceType":"Patient","id":"123","birthDate":"197{{i}}"}""", i == 0 ? HttpStatusCode.Created : HttpStatusCode.OK);

        // entry[3] PUT Patient?identifier=http:/example.org/fhir/ids|456456 → "201 Created": no Patient matches, so
        // none is seeded (a match would make it an update answering 200, which is not what the example shows).

        // entry[4] PUT Patient/123a with If-Match W/"2" → "200 ok", location Patient/123a/_history/3: version 2 is current.
        for (var i = 0; i < 2; i++)
            await Send(HttpMethod.Put, "Patient/123a", $$"""{"resourceType":"Patient","id":"123a","birthDate":"198{{i}}"}""", i == 0 ? HttpStatusCode.Created : HttpStatusCode.OK);

        // entry[5] DELETE Patient/234: there is a Patient/234 to delete.
        await Send(HttpMethod.Put, "Patient/234", """{"resourceType":"Patient","id":"234","active":true}""", HttpStatusCode.Created);

        // entry[6] DELETE Patient?identifier=123456: exactly one Patient matches, so the conditional delete deletes it.
        await Send(HttpMethod.Post, "Patient", """{"resourceType":"Patient","identifier":[{"system":"urn:example:mrn","value":"123456"}]}""", HttpStatusCode.Created);

        // entry[9] GET Patient/12334 with If-None-Match W/"4" → "304 Not Modified": Patient/12334 is at version 4.
        for (var i = 0; i < 4; i++)
            await Send(HttpMethod.Put, "Patient/12334", $$"""{"resourceType":"Patient","id":"12334","birthDate":"199{{i}}"}""", i == 0 ? HttpStatusCode.Created : HttpStatusCode.OK);

        // entry[8] GET Patient?name=peter finds the Peters the transaction itself writes; nothing to seed.
    }

    /// <summary>
    /// entry[7] is POST ValueSet/$lookup (a terminology operation, and $lookup belongs to CodeSystem at that).
    /// Terminology is out of scope here, so the server cannot do what the example response shows for it.
    /// Decision: the published transaction is expected to fail as a whole, with a 4xx OperationOutcome naming
    /// entry[7], and to change nothing (a transaction is all or nothing). The equivalence with the example
    /// response is checked on the transaction without that entry (and the response without its answer).
    /// </summary>
    [CorpusFact(Examples)]
    public async System.Threading.Tasks.Task Example_transaction_with_its_lookup_entry_fails_as_a_whole_and_changes_nothing()
    {
        await SeedTransactionStateAsync();
        var response = await _client.PostAsync("", FhirServerFactory.Json(Read("Bundle-bundle-transaction.json")));
        var body = await response.Content.ReadAsStringAsync();

        Assert.True((int)response.StatusCode is >= 400 and < 500, $"expected a 4xx, got {(int)response.StatusCode}: {body}");
        var outcome = Assert.IsType<OperationOutcome>(Parser.Deserialize<Resource>(body));
        Assert.Contains(outcome.Issue, i => i.Severity <= OperationOutcome.IssueSeverity.Error && i.Expression.Any(x => x.StartsWith("Bundle.entry[7]")));
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("Patient/234")).StatusCode);
        Assert.Equal("W/\"3\"", (await _client.GetAsync("Patient/123")).Headers.ETag?.ToString());
    }

    [CorpusFact(Examples)]
    public async System.Threading.Tasks.Task Example_transaction_answers_like_the_example_response()
    {
        await SeedTransactionStateAsync();
        var request = Parse<Bundle>("Bundle-bundle-transaction.json");
        var expected = Parse<Bundle>("Bundle-bundle-response.json");
        Assert.Equal("ValueSet/$lookup", request.Entry[7].Request.Url); // see the test above for why it is left out
        request.Entry.RemoveAt(7);
        expected.Entry.RemoveAt(7);

        var actual = await PostBundle(request);

        Assert.Equal(Bundle.BundleType.TransactionResponse, actual.Type);
        AssertEquivalent(request, expected, actual);
        // The state afterwards is what the example response says happened.
        Assert.Equal(HttpStatusCode.Gone, (await _client.GetAsync("Patient/234")).StatusCode);
        Assert.Equal("W/\"4\"", (await _client.GetAsync("Patient/123")).Headers.ETag?.ToString());
        Assert.Equal("W/\"3\"", (await _client.GetAsync("Patient/123a")).Headers.ETag?.ToString());
    }

    // ---- the batches: Bundle-bundle-request-*.json → Bundle-bundle-response-*.json ----

    [CorpusTheory(Examples)]
    [InlineData("Bundle-bundle-request-medsallergies.json", "Bundle-bundle-response-medsallergies.json")]
    [InlineData("Bundle-bundle-request-simplesummary.json", "Bundle-bundle-response-simplesummary.json")]
    public async System.Threading.Tasks.Task Example_batch_answers_like_the_example_response(string requestFile, string responseFile)
    {
        // Both batches read Patient/example and search by patient=example: the Patient must exist.
        await Send(HttpMethod.Put, "Patient/example", Read("Patient-example.json"), null);
        var request = Parse<Bundle>(requestFile);
        var expected = Parse<Bundle>(responseFile);

        var actual = await PostBundle(request);

        Assert.Equal(Bundle.BundleType.BatchResponse, actual.Type);
        AssertEquivalent(request, expected, actual);
        Assert.Equal("example", Assert.IsType<Patient>(actual.Entry[0].Resource).Id);
        foreach (var entry in actual.Entry.Skip(1))
            Assert.Equal(Bundle.BundleType.Searchset, Assert.IsType<Bundle>(entry.Resource).Type);
    }

    // ---- comparison ----

    /// <summary>
    /// Entry by entry: the 3-digit status, the location's shape (Type/id/_history/version; the exact value where
    /// the example's id is one the test seeded), the resource's type.
    /// The example response answers its two DELETEs with "202 Accepted" and with "DELETE" (not a status at all);
    /// R4 lets a delete answer 200, 202 or 204, and this server deletes at once and answers 204, so for DELETE
    /// entries any 2xx is taken as equivalent. That is the one place the comparison is looser than the codes.
    /// </summary>
    private static void AssertEquivalent(Bundle request, Bundle expected, Bundle actual)
    {
        Assert.Equal(expected.Entry.Count, actual.Entry.Count);
        for (var i = 0; i < expected.Entry.Count; i++)
        {
            var want = expected.Entry[i];
            var got = actual.Entry[i];
            var where = $"entry[{i}] ({request.Entry[i].Request.Method} {request.Entry[i].Request.Url})";
            Assert.True(got.Response?.Status is not null, $"{where}: no response status");
            var status = int.Parse(got.Response.Status[..3]);
            if (request.Entry[i].Request.Method == Bundle.HTTPVerb.DELETE)
                Assert.True(status is >= 200 and < 300, $"{where}: a delete answered {got.Response.Status}");
            else
                Assert.True(want.Response.Status[..3] == got.Response.Status[..3], $"{where}: expected {want.Response.Status}, got {got.Response.Status}");

            if (want.Response.Location is { } location)
            {
                Assert.True(got.Response.Location is not null, $"{where}: expected a location like {location}");
                var (wantType, wantId, _) = Shape(location, where);
                var (gotType, gotId, gotVersion) = Shape(got.Response.Location, where);
                Assert.Equal(wantType, gotType);
                if (wantId is "123" or "123a") Assert.Equal(location, $"{gotType}/{gotId}/_history/{gotVersion}");
            }
            if (want.Resource is { } resource)
            {
                Assert.True(got.Resource is not null, $"{where}: expected a {resource.TypeName}");
                Assert.Equal(resource.TypeName, got.Resource.TypeName);
            }
        }
    }

    private static readonly Regex LocationShape = new(@"(?:^|/)([A-Z][A-Za-z]+)/([A-Za-z0-9\-\.]{1,64})/_history/([A-Za-z0-9\-\.]{1,64})$");

    private static (string Type, string Id, string Version) Shape(string location, string where)
    {
        var match = LocationShape.Match(location);
        Assert.True(match.Success, $"{where}: location '{location}' is not [base/]Type/id/_history/version");
        return (match.Groups[1].Value, match.Groups[2].Value, match.Groups[3].Value);
    }

    // ---- plumbing ----

    private async Task<Bundle> PostBundle(Bundle bundle)
    {
        var response = await _client.PostAsync("", FhirServerFactory.Json(new FhirJsonSerializer().SerializeToString(bundle)));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST / answered {(int)response.StatusCode}: {body}");
        return Parser.Deserialize<Bundle>(body);
    }

    private async System.Threading.Tasks.Task Send(HttpMethod method, string url, string json, HttpStatusCode? expected)
    {
        var response = await _client.SendAsync(new HttpRequestMessage(method, url) { Content = FhirServerFactory.Json(json) });
        if (expected is { } status) Assert.Equal(status, response.StatusCode);
        else Assert.True(response.IsSuccessStatusCode, $"{method} {url}: {(int)response.StatusCode}");
    }

    private static string Read(string file) => File.ReadAllText(Path.Combine(Corpus.Find(Examples)!, file), Encoding.UTF8);

    private static T Parse<T>(string file) where T : Resource => Parser.Deserialize<T>(Read(file));
}
