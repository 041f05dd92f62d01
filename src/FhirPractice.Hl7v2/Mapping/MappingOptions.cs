namespace FhirPractice.Hl7v2.Mapping;

/// <summary>Settings of the v2→FHIR mappings.</summary>
public sealed class MappingOptions
{
    /// <summary>The practice's time zone: v2 times that carry no offset (and an MSH-7 without one) are local times there.</summary>
    public TimeZoneInfo PracticeTimeZone { get; init; } = TimeZoneInfo.Local;

    /// <summary>
    /// The identifier system for an assigning authority known only by its namespace id (HD-1), e.g.
    /// <c>"HOSP" → "http://hospital.example.org/mrn"</c>. One not listed becomes
    /// <c>urn:fhirpractice:v2:authority:{namespace}</c> (see <see cref="Datatypes.Identifiers.SystemOf"/>).
    /// </summary>
    public IReadOnlyDictionary<string, string> AssigningAuthoritySystems { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The code system URI for a coding system name (CWE-3) as this practice's senders use it, overriding HL7's reading,
    /// e.g. <c>"I10" → "http://hl7.org/fhir/sid/icd-10-cm"</c> for a sender that writes I10 for ICD-10-CM codes.
    /// </summary>
    public IReadOnlyDictionary<string, string> CodingSystems { get; init; } = new Dictionary<string, string>();
}
