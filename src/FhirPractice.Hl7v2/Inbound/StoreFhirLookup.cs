using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;
using FhirPractice.Hl7v2.Mapping;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Inbound;

/// <summary>
/// The mappings' read access to FHIR data: a search parsed as the engine parses it (strictly) and answered by the
/// store, every page. It reads past the engine on purpose: a look-up is the bridge's own work while it maps a message
/// (the stored patient's links, a merge's references), not an interaction of a client, so it leaves no AuditEvent of
/// its own; what the message changes is audited by the transaction it causes. Plain criteria only (no _include, no
/// terminology modifiers such as <c>:in</c>).
/// </summary>
public sealed class StoreFhirLookup(IResourceStore store, SearchQueryParser parser) : IFhirLookup
{
    public async Task<IReadOnlyList<Resource>> SearchAsync(string type, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken ct = default)
    {
        var matches = new List<Resource>();
        await foreach (var record in store.SearchAllAsync(parser.Parse(type, parameters, strict: true).Query, ct))
            matches.Add(ResourceSerializer.ParseTrustedJson(record.Json.Span));
        return matches;
    }
}
