using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace FhirPractice.Fhir.Rest;

/// <summary>
/// _summary and _elements: which parts of a resource an answer keeps. A read applies the filter while it
/// writes the resource; a search applies it to each entry's resource, never to the Bundle itself.
/// </summary>
public static class ResourceSubset
{
    private const string TagSystem = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";

    /// <summary>The filter for _summary (true, text, data) or _elements; null when the resource is served whole.</summary>
    public static Func<SerializationFilter>? Filter(string? summary, IReadOnlyList<string>? elements)
    {
        if (elements is { Count: > 0 })
        {
            // id and meta always: a resource without them cannot be identified, and meta carries the SUBSETTED tag.
            var names = elements.Concat(["id", "meta"]).Distinct().ToArray();
            return () => SerializationFilter.ForElements(names);
        }
        return summary switch
        {
            "true" => SerializationFilter.ForSummary,
            "text" => SerializationFilter.ForText,
            "data" => SerializationFilter.ForData,
            _ => null,
        };
    }

    /// <summary>Adds the SUBSETTED tag once.</summary>
    public static void MarkSubsetted(Resource resource)
    {
        resource.Meta ??= new Meta();
        if (!resource.Meta.Tag.Any(t => t.System == TagSystem && t.Code == "SUBSETTED"))
            resource.Meta.Tag.Add(new Coding(TagSystem, "SUBSETTED"));
    }

    /// <summary>The resource cut down by <paramref name="filter"/>, tagged SUBSETTED.</summary>
    public static Resource Apply(Resource resource, Func<SerializationFilter> filter)
    {
        MarkSubsetted(resource);
        return ResourceSerializer.ParseTrustedJson(ResourceSerializer.ToJsonBytes(resource, filter: filter));
    }
}
