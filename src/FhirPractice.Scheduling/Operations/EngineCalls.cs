using System.Net;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using Hl7.Fhir.Model;

namespace FhirPractice.Scheduling.Operations;

/// <summary>
/// The operations write only through the engine, as the caller, so authorization, validation, the write hooks
/// (occupancy, outbound SIU) and audit apply to them exactly as to a client's own transaction.
/// </summary>
internal static class EngineCalls
{
    /// <summary>The background workers' request: the engine's internal caller for this module.</summary>
    public static readonly FhirRequest Internal = new("POST", "", []) { Caller = FhirCaller.Internal("scheduling") };

    /// <summary>Commits the transaction or throws the engine's error (a 409 when the time is taken).</summary>
    public static async Task<Bundle> TransactionAsync(FhirEngine engine, FhirRequest caller, Bundle transaction, CancellationToken ct)
    {
        transaction.Type = Bundle.BundleType.Transaction;
        var response = await engine.HandleAsync(new FhirRequest("POST", "", []) { ParsedBody = transaction, BaseUrl = caller.BaseUrl, Caller = caller.Caller }, ct);
        return response.Status < HttpStatusCode.BadRequest && response.Resource is Bundle result ? result : throw ErrorOf(response);
    }

    public static async Task<T> ReadAsync<T>(FhirEngine engine, FhirRequest caller, string reference, CancellationToken ct) where T : Resource
    {
        var response = await engine.HandleAsync(new FhirRequest("GET", reference, []) { BaseUrl = caller.BaseUrl, Caller = caller.Caller }, ct);
        if (response.Status >= HttpStatusCode.BadRequest) throw ErrorOf(response);
        return response.ToResource() as T ?? throw FhirError.Unprocessable($"{reference} is not a {typeof(T).Name}");
    }

    /// <summary>The resources of one search page (the caller keeps its searches small).</summary>
    public static async Task<IReadOnlyList<T>> SearchAsync<T>(FhirEngine engine, FhirRequest caller, string type, IReadOnlyList<KeyValuePair<string, string>> query, CancellationToken ct) where T : Resource
    {
        // Strict: a parameter the registry does not know is an error here, never a search for everything.
        var response = await engine.HandleAsync(new FhirRequest("GET", type, query) { BaseUrl = caller.BaseUrl, Caller = caller.Caller, StrictHandling = true }, ct);
        if (response.Status >= HttpStatusCode.BadRequest) throw ErrorOf(response);
        return (response.ToResource() as Bundle)?.Entry.Select(e => e.Resource).OfType<T>().ToList() ?? [];
    }

    /// <summary>The resource a transaction wrote for the entry with this fullUrl (or this Type/id).</summary>
    public static Task<T> WrittenAsync<T>(FhirEngine engine, FhirRequest caller, Bundle transaction, Bundle result, string fullUrl, CancellationToken ct) where T : Resource
    {
        var index = transaction.Entry.FindIndex(e => e.FullUrl == fullUrl);
        var location = result.Entry[index].Response?.Location ?? throw new InvalidOperationException("A transaction response entry without a location");
        return ReadAsync<T>(engine, caller, Occupancy.Claims.Normalise(location), ct);
    }

    public static Bundle.EntryComponent Put(Resource resource, string? ifMatchVersion = null) => new()
    {
        FullUrl = $"{resource.TypeName}/{resource.Id}",
        Resource = resource,
        Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = $"{resource.TypeName}/{resource.Id}", IfMatch = ifMatchVersion is null ? null : $"W/\"{ifMatchVersion}\"" },
    };

    public static Bundle.EntryComponent Post(Resource resource, string fullUrl) => new()
    {
        FullUrl = fullUrl,
        Resource = resource,
        Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = resource.TypeName },
    };

    private static FhirError ErrorOf(FhirResponse response) =>
        new(response.Status, response.Resource as OperationOutcome ?? FhirError.Issue(OperationOutcome.IssueType.Exception, $"The engine answered {(int)response.Status}"));
}
