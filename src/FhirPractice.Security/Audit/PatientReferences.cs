using System.Text.Json;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Security.Audit;

/// <summary>
/// The patients a resource concerns, for the patient entity of its AuditEvents: the Patient itself, and every Patient
/// its references name (relative references; contained resources too). It errs on the side of naming a patient that is
/// merely mentioned — for an audit trail that is the safe side — and reads stored JSON without parsing it into a POCO.
/// </summary>
public static class PatientReferences
{
    public static IReadOnlyList<string> Of(ResourceRecord record)
    {
        var ids = new List<string>();
        if (record.Deleted) return ids;
        if (record.Type == "Patient") ids.Add(record.Id);
        var reader = new Utf8JsonReader(record.Json.Span);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("reference")) continue;
            if (reader.Read() && reader.TokenType == JsonTokenType.String && PatientId(reader.GetString()) is { } id) ids.Add(id);
        }
        return ids;
    }

    public static IEnumerable<string> Of(Resource resource)
    {
        if (resource is Patient { Id: { } self }) yield return self;
        foreach (var reference in ReferenceWalker.All(resource))
            if (PatientId(reference.Reference) is { } id) yield return id;
    }

    /// <summary>The id of "Patient/{id}" or "Patient/{id}/_history/{v}"; null for anything else.</summary>
    public static string? PatientId(string? reference)
    {
        if (reference is null || !reference.StartsWith("Patient/", StringComparison.Ordinal)) return null;
        var rest = reference.AsSpan(8);
        var slash = rest.IndexOf('/');
        var id = (slash < 0 ? rest : rest[..slash]).ToString();
        return ResourcePreparer.IsValidId(id) ? id : null;
    }
}
