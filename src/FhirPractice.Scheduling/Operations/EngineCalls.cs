using System.Net;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Scheduling.Operations;

/// <summary>
/// The operations write only through the engine, as the caller, so authorization, validation, the write hooks
/// (occupancy, outbound SIU) and audit apply to them exactly as to a client's own transaction; their AuditEvents carry
/// the operation's request id, so the trail ties them to it.
/// </summary>
internal static class EngineCalls
{
    /// <summary>The background workers' request: the engine's internal caller for this module.</summary>
    public static readonly FhirRequest Internal = new("POST", "", []) { Caller = FhirCaller.Internal("scheduling") };

    /// <summary>
    /// Commits the transaction or throws the engine's error (a 409 when the time is taken). Its entries answer minimally
    /// (status, location, ETag): what an operation returns it takes with <see cref="WrittenAsync"/>, so the engine does
    /// not parse every written resource back for an answer nobody reads.
    /// </summary>
    /// <param name="isTheAnswer">The operation answers with what this transaction writes, and its answer names the patients
    /// these writes name: its success is audited in this transaction (<see cref="FhirRequest.AnswersOperation"/>), not in
    /// a write of its own after the answer.</param>
    /// <param name="inEntryOrder">The writes are checked in the Bundle's order (<see cref="FhirRequest.KeepsEntryOrder"/>), not the spec's.</param>
    public static async Task<Bundle> TransactionAsync(FhirEngine engine, FhirRequest caller, Bundle transaction, CancellationToken ct, bool isTheAnswer = false, bool inEntryOrder = false)
    {
        transaction.Type = Bundle.BundleType.Transaction;
        var response = await engine.HandleAsync(new FhirRequest("POST", "", [])
        {
            ParsedBody = transaction, BaseUrl = caller.BaseUrl, Caller = caller.Caller, RequestId = caller.RequestId, Return = PreferReturn.Minimal,
            AnswersOperation = isTheAnswer ? caller : null, KeepsEntryOrder = inEntryOrder,
        }, ct);
        return response.Status < HttpStatusCode.BadRequest && response.Resource is Bundle result ? result : throw ErrorOf(response);
    }

    public static async Task<T> ReadAsync<T>(FhirEngine engine, FhirRequest caller, string reference, CancellationToken ct) where T : Resource
    {
        var response = await engine.HandleAsync(new FhirRequest("GET", reference, []) { BaseUrl = caller.BaseUrl, Caller = caller.Caller, RequestId = caller.RequestId }, ct);
        if (response.Status >= HttpStatusCode.BadRequest) throw ErrorOf(response);
        return response.ToResource() as T ?? throw FhirError.Unprocessable($"{reference} is not a {typeof(T).Name}");
    }

    /// <summary>The resources of one search page (the caller keeps its searches small).</summary>
    public static async Task<IReadOnlyList<T>> SearchAsync<T>(FhirEngine engine, FhirRequest caller, string type, IReadOnlyList<KeyValuePair<string, string>> query, CancellationToken ct) where T : Resource
    {
        // Strict: a parameter the registry does not know is an error here, never a search for everything.
        var response = await engine.HandleAsync(new FhirRequest("GET", type, query) { BaseUrl = caller.BaseUrl, Caller = caller.Caller, RequestId = caller.RequestId, StrictHandling = true }, ct);
        if (response.Status >= HttpStatusCode.BadRequest) throw ErrorOf(response);
        return (response.ToResource() as Bundle)?.Entry.Select(e => e.Resource).OfType<T>().ToList() ?? [];
    }

    /// <summary>
    /// The version a transaction wrote for the entry with this fullUrl (or this Type/id), exactly as committed: the
    /// caller's own write handed back, as a create answers with what it created, so not a read interaction of its own.
    /// </summary>
    public static async Task<ResourceRecord> WrittenAsync(FhirEngine engine, Bundle transaction, Bundle result, string fullUrl, CancellationToken ct)
    {
        var index = transaction.Entry.FindIndex(e => e.FullUrl == fullUrl);
        var answer = result.Entry[index].Response ?? throw new InvalidOperationException("A transaction response entry without a response");
        var target = Occupancy.Claims.Normalise(answer.Location ?? fullUrl).Split('/');
        if (target.Length != 2 || ETags.Version(answer.Etag) is not { } version)
            throw new InvalidOperationException($"The transaction's answer for {fullUrl} names no version it wrote");
        return await engine.Store.ReadVersionAsync(target[0], target[1], version, ct)
            ?? throw new InvalidOperationException($"{target[0]}/{target[1]} version {version} was committed but cannot be read");
    }

    /// <summary>A stored version as a model, for an operation that works on it or answers a Bundle of several.</summary>
    public static T Parse<T>(ResourceRecord record) where T : Resource => (T)ResourceSerializer.ParseTrustedJson(record.Json.Span);

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
