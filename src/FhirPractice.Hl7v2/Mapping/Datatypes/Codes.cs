using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Datatypes;

/// <summary>CWE, CE, CNE and CF to CodeableConcept (IG CWE[CodeableConcept]), and v2 coding system names to URIs.</summary>
internal static class Codes
{
    /// <summary>The fallback for a coding system name this table does not know: <c>urn:fhirpractice:v2:codesystem:{name}</c>.</summary>
    public const string UnknownSystemPrefix = "urn:fhirpractice:v2:codesystem:";

    // HL7 table 0396 names and the URIs FHIR uses for them; the first name of a URI is the one written out.
    private static readonly (string Name, string Uri)[] Table =
    [
        ("LN", "http://loinc.org"),
        ("SCT", "http://snomed.info/sct"),
        ("SNM", "http://snomed.info/sct"),
        ("SNOMED", "http://snomed.info/sct"),
        ("SNM3", "http://snomed.info/sct"),
        ("I9", "http://hl7.org/fhir/sid/icd-9-cm"),
        ("I9C", "http://hl7.org/fhir/sid/icd-9-cm"),
        ("I9CDX", "http://hl7.org/fhir/sid/icd-9-cm"),
        ("I10", "http://hl7.org/fhir/sid/icd-10"),
        ("I10C", "http://hl7.org/fhir/sid/icd-10-cm"),
        ("ICD10CM", "http://hl7.org/fhir/sid/icd-10-cm"),
        ("UCUM", "http://unitsofmeasure.org"),
        ("CVX", "http://hl7.org/fhir/sid/cvx"),
        ("MVX", "http://terminology.hl7.org/CodeSystem/MVX"),
        ("NDC", "http://hl7.org/fhir/sid/ndc"),
        ("RXNORM", "http://www.nlm.nih.gov/research/umls/rxnorm"),
        ("RXN", "http://www.nlm.nih.gov/research/umls/rxnorm"),
        ("C4", "http://www.ama-assn.org/go/cpt"),
        ("CPT", "http://www.ama-assn.org/go/cpt"),
        ("HCPCS", "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"),
        ("NCIT", "http://ncimeta.nci.nih.gov"),
        ("ISO3166_1", "urn:iso:std:iso:3166"),
        ("ISO+", "urn:iso:std:iso:11073:10101"),
        ("ISO639", "urn:ietf:bcp:47"),
        ("CDCREC", "urn:oid:2.16.840.1.113883.6.238"),
        ("NUCC", "http://nucc.org/provider-taxonomy"),
    ];

    private static readonly Dictionary<string, string> Systems = Table.ToDictionary(t => t.Name, t => t.Uri, StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<string, string> Names = Table.DistinctBy(t => t.Uri).ToDictionary(t => t.Uri, t => t.Name, StringComparer.Ordinal);

    /// <summary>
    /// A coding system name (CWE-3): known names to their URIs, <c>HL7nnnn</c> to the v2 table's code system,
    /// an absolute URI or OID as is, anything else to <c>urn:fhirpractice:v2:codesystem:</c> + the name.
    /// </summary>
    public static string? SystemFor(string? name)
    {
        if (name is null) return null;
        if (Systems.TryGetValue(name, out var known)) return known;
        if (name.Length == 8 && name.StartsWith("HL7", StringComparison.OrdinalIgnoreCase) && name[3..].All(char.IsDigit))
            return V2Table(name[4..]);
        if (name.Length == 7 && name.StartsWith("HL7", StringComparison.OrdinalIgnoreCase) && name[3..].All(char.IsDigit))
            return V2Table(name[3..]);
        if (name.All(c => char.IsDigit(c) || c == '.') && name.Contains('.')) return "urn:oid:" + name;
        if (name.Contains(':') && Uri.TryCreate(name, UriKind.Absolute, out _)) return name;
        return UnknownSystemPrefix + Uri.EscapeDataString(name);
    }

    /// <summary>
    /// The inverse of <see cref="SystemFor"/>, for messages we write: a URI's table 0396 name, <c>HL7nnnn</c> for a v2
    /// table's system, the name a <c>urn:fhirpractice:v2:codesystem:</c> URI was made of, else the URI itself.
    /// </summary>
    public static string? NameFor(string? system)
    {
        if (system is null) return null;
        if (Names.TryGetValue(system, out var name)) return name;
        if (system.StartsWith(V2TablePrefix, StringComparison.Ordinal)) return "HL7" + system[V2TablePrefix.Length..];
        if (system.StartsWith(UnknownSystemPrefix, StringComparison.Ordinal)) return Uri.UnescapeDataString(system[UnknownSystemPrefix.Length..]);
        return system;
    }

    private const string V2TablePrefix = "http://terminology.hl7.org/CodeSystem/v2-";

    /// <summary>The code system of v2 table <paramref name="table"/> (4 digits, e.g. "0203").</summary>
    public static string V2Table(string table) => V2TablePrefix + table;

    /// <summary>
    /// CWE[CodeableConcept]: CWE-1/2/3/7 the first coding, CWE-4/5/6/8 the second, CWE-10/11/12/13 the third,
    /// CWE-9 the text. A value with text only (no code) becomes a CodeableConcept with only text.
    /// <paramref name="defaultTable"/> is the system when CWE-3 names none (the field's HL7 table).
    /// </summary>
    public static CodeableConcept? FromCwe(V2Value? cwe, string? defaultSystem = null)
    {
        if (cwe is null) return null;
        var concept = new CodeableConcept();
        AddCoding(concept, cwe[1], cwe[2], cwe[3], cwe[7], defaultSystem); // CWE.1-3, CWE.7
        AddCoding(concept, cwe[4], cwe[5], cwe[6], cwe[8], null);          // CWE.4-6, CWE.8
        AddCoding(concept, cwe[10], cwe[11], cwe[12], cwe[13], null);      // CWE.10-13
        concept.Text = cwe[9];                                             // CWE.9
        if (concept.Coding.Count == 0 && concept.Text is null) concept.Text = cwe[2] ?? cwe[1];
        return concept.Coding.Count == 0 && concept.Text is null ? null : concept;
    }

    /// <summary>Only the first coding of a CWE (IG CWE[Coding]).</summary>
    public static Coding? CodingFromCwe(V2Value? cwe, string? defaultSystem = null) =>
        cwe?[1] is { } code ? new Coding(SystemFor(cwe[3]) ?? defaultSystem, code, cwe[2]) : null;

    /// <summary>A code of a fixed table translated through a concept map, else the v2 code in its table's system.</summary>
    public static CodeableConcept Mapped(string code, string? display, IReadOnlyDictionary<string, string> map, string targetSystem, string v2Table)
    {
        var concept = new CodeableConcept();
        if (map.TryGetValue(code, out var mapped)) concept.Coding.Add(new Coding(targetSystem, mapped));
        concept.Coding.Add(new Coding(V2Table(v2Table), code, display));
        return concept;
    }

    private static void AddCoding(CodeableConcept concept, string? code, string? display, string? system, string? version, string? defaultSystem)
    {
        if (code is null) return;
        concept.Coding.Add(new Coding(SystemFor(system) ?? defaultSystem, code, display) { Version = version });
    }
}
