using FhirPractice.Fhir;
using System.Net;
using FhirPractice.Fhir.Rest;
using Hl7.Fhir.Model;

namespace FhirPractice.Billing;

/// <summary>
/// Billing reads and writes resources through the engine, as the caller of the operation, so the checks and hooks
/// every other door gets (validation, authorization, audit) apply to billing's work too.
/// </summary>
public sealed class BillingDoor(FhirEngine engine, FhirRequest origin)
{
    public FhirEngine Engine => engine;

    public async Task<T?> ReadAsync<T>(ResourceReference? reference, CancellationToken ct) where T : Resource
    {
        if (reference?.Reference is not { } path || path.StartsWith('#')) return null;
        var response = await engine.HandleAsync(Request("GET", path), ct);
        return response.Status == HttpStatusCode.OK ? response.ToResource() as T : null;
    }

    public async Task<List<T>> SearchAsync<T>(string type, IReadOnlyList<KeyValuePair<string, string>> query, CancellationToken ct) where T : Resource
    {
        var response = await engine.HandleAsync(Request("GET", type) with { Query = query }, ct);
        if ((int)response.Status >= 400) throw new FhirError(response.Status, (OperationOutcome)response.Resource!);
        return ((Bundle)response.ToResource()!).Entry.Where(e => e.Search?.Mode != Bundle.SearchEntryMode.Outcome)
            .Select(e => e.Resource).OfType<T>().ToList();
    }

    /// <param name="ifNoneExist">A conditional create: the match is answered instead when there is one.</param>
    public async Task<Resource> CreateAsync(Resource resource, CancellationToken ct, string? ifNoneExist = null) =>
        Success(await engine.HandleAsync(Request("POST", resource.TypeName) with { Body = ResourceSerializer.ToJsonBytes(resource), BodyFormat = FhirFormat.Json, IfNoneExist = ifNoneExist }, ct));

    /// <summary>An update that applies only to the version read (If-Match); the engine's answer, so a 412 can be told apart.</summary>
    public Task<FhirResponse> UpdateAsync(Resource resource, string version, CancellationToken ct) =>
        engine.HandleAsync(Request("PUT", $"{resource.TypeName}/{resource.Id}") with
        {
            Body = ResourceSerializer.ToJsonBytes(resource), BodyFormat = FhirFormat.Json, IfMatch = $"W/\"{version}\"", Return = PreferReturn.Minimal,
        }, ct);

    /// <summary>
    /// Commits a transaction Bundle as one store transaction; a refusal is raised as the engine's error. The Bundle goes as
    /// built, checked by the engine as strictly as the JSON of a transaction over HTTP, without a JSON round trip. Billing
    /// reads only where each entry was written (<c>response.location</c>), so the answer leaves the resources out.
    /// </summary>
    public async Task<Bundle> TransactionAsync(Bundle bundle, CancellationToken ct) =>
        (Bundle)Success(await engine.HandleAsync(Request("POST", "") with { ParsedBody = bundle, CheckParsedBody = true, Return = PreferReturn.Minimal }, ct));

    private static Resource Success(FhirResponse response) =>
        (int)response.Status < 400 ? response.ToResource()! : throw new FhirError(response.Status, (OperationOutcome)response.Resource!);

    private FhirRequest Request(string method, string path) =>
        new(method, path, []) { Caller = origin.Caller, BaseUrl = origin.BaseUrl };
}
