using System.Net;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Hl7v2.Mapping;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Inbound;

/// <summary>The mappings' read access to FHIR data: searches through the engine, following next links to the last page.</summary>
public sealed class EngineFhirLookup(FhirEngine engine) : IFhirLookup
{
    public async Task<IReadOnlyList<Resource>> SearchAsync(string type, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken ct = default)
    {
        var matches = new List<Resource>();
        var query = parameters;
        while (true)
        {
            var response = await engine.HandleAsync(new FhirRequest("GET", type, query) { StrictHandling = true, Caller = FhirCaller.Internal("mllp") }, ct);
            var body = response.ToResource();
            if (body is not Bundle page)
                throw new FhirError(response.Status == HttpStatusCode.OK ? HttpStatusCode.InternalServerError : response.Status,
                    body as OperationOutcome ?? FhirError.Issue(OperationOutcome.IssueType.Exception, $"search on {type} failed"));
            matches.AddRange(page.Entry.Where(e => e.Search?.Mode is Bundle.SearchEntryMode.Match && e.Resource is not null).Select(e => e.Resource!));
            if (page.Link.FirstOrDefault(l => l.Relation == "next")?.Url is not { } next) return matches;
            query = FhirRequest.ParseQuery(new Uri(next).Query);
        }
    }
}
