using System.Net;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Search;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Operations;

/// <summary>
/// <c>POST [base]/$reindex</c> and <c>POST [base]/[type]/$reindex</c>: computes the index entries of the
/// existing current resources again, after search parameters were added or changed. Which types: the URL's
/// type, else <c>_type</c> (query or a Parameters <c>type</c> part, comma-separated allowed), else all.
/// Which parameters: the Parameters <c>code</c> parts, else all. Answers 202 Accepted with Content-Location
/// <c>[base]/_jobs/{id}</c>, where the job's status is polled (<see cref="ReindexJobs.StatusAsync"/>).
/// </summary>
public sealed class ReindexOperation(ReindexJobs jobs, SearchParameterRegistry registry)
{
    public FhirOperation Definition => new("reindex", "http://fhirpractice.org/fhir/OperationDefinition/reindex",
        System: true, Type: true, Instance: false, Types: [], Handler: InvokeAsync);

    private async Task<FhirResponse> InvokeAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        if (r.Method != "POST") throw new FhirError(HttpStatusCode.MethodNotAllowed, OperationOutcome.IssueType.NotSupported, "$reindex is invoked with POST");
        var body = r.Body.IsEmpty && r.ParsedBody is null ? null : FhirEngine.ParseBody(r);
        if (body is not (null or Parameters)) throw FhirError.BadRequest($"$reindex takes a Parameters body, not a {body.TypeName}");
        var parameters = body as Parameters;
        if (parameters?.Parameter.FirstOrDefault(p => p.Name is not ("type" or "code")) is { } unknown)
            throw FhirError.BadRequest($"$reindex has no parameter '{unknown.Name}' (only type and code)", unknown.Name);

        var types = Values(parameters, "type").Concat(r.Query.Where(q => q.Key == "_type").Select(q => q.Value))
            .SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct().ToList();
        foreach (var t in types)
            if (!ModelInfo.IsKnownResource(t) || t is "Resource" or "DomainResource") throw FhirError.BadRequest($"'{t}' is not a resource type", "type");
        if (type is not null)
        {
            if (types.Any(t => t != type)) throw FhirError.BadRequest($"{type}/$reindex reindexes {type} only; do not name other types", "type");
            types = [type];
        }

        var codes = Values(parameters, "code").Distinct().ToList();
        if (codes.Count > 0)
        {
            // Only the types that have one of the parameters; a code none of them has is a mistake worth telling.
            var candidates = types.Count > 0 ? types : ModelInfo.SupportedResources.Where(t => t is not ("Resource" or "DomainResource")).ToList();
            foreach (var code in codes)
                if (!candidates.Any(t => registry.Find(t, code) is not null))
                    throw FhirError.BadRequest($"No {(types.Count > 0 ? string.Join(", ", types) : "resource type")} has the search parameter '{code}'", "code");
            types = candidates.Where(t => codes.Any(c => registry.Find(t, c) is not null)).Order(StringComparer.Ordinal).ToList();
        }

        var job = await jobs.StartAsync(new ReindexRequest(types, codes), ct);
        return new FhirResponse
        {
            Status = HttpStatusCode.Accepted,
            ContentLocation = $"{r.BaseUrl}/_jobs/{job.Id}",
            Resource = FhirError.Issue(OperationOutcome.IssueType.Informational, $"Reindex job {job.Id} started; poll {r.BaseUrl}/_jobs/{job.Id}",
                severity: OperationOutcome.IssueSeverity.Information),
        };
    }

    private static IEnumerable<string> Values(Parameters? parameters, string name) =>
        parameters?.Parameter.Where(p => p.Name == name).Select(p => p.Value?.ToString()).OfType<string>() ?? [];
}
