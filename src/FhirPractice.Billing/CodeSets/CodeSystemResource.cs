using System.Globalization;
using Hl7.Fhir.Model;

namespace FhirPractice.Billing.CodeSets;

/// <summary>
/// A code-set release as a FHIR CodeSystem and back: url = the code system, version = the fiscal year, the fiscal
/// year's dates as its effective period, the source file's hash as an identifier, and per concept the properties
/// <c>billable</c>, <c>notSelectable</c> (ICD-10-CM category headers) and, for HCPCS, <c>effectiveDate</c> /
/// <c>terminationDate</c>; the short description is a designation.
/// </summary>
public static class CodeSystemResource
{
    public const string SourceSystem = "urn:fhirpractice:billing:code-set-source";
    public const string ShortDesignation = "urn:fhirpractice:billing:designation";
    private const string EffectivePeriod = "http://hl7.org/fhir/StructureDefinition/resource-effectivePeriod";
    private const string ConceptProperties = "http://hl7.org/fhir/concept-properties";

    public static readonly IReadOnlyDictionary<string, string> Names = new Dictionary<string, string>
    {
        [BillingSystems.Icd10Cm] = "ICD-10-CM",
        [BillingSystems.Hcpcs] = "HCPCS Level II",
        [BillingSystems.Cpt] = "CPT",
    };

    public static bool IsBillingSystem(string? url) => url is not null && Names.ContainsKey(url);

    public static CodeSystem ToCodeSystem(CodeSetRelease release)
    {
        var name = Names[release.System];
        var dated = release.Entries.Any(e => e.Effective is not null || e.Terminated is not null);
        var codeSystem = new CodeSystem
        {
            Url = release.System,
            Version = release.FiscalYear.ToString(CultureInfo.InvariantCulture),
            Identifier = [new Identifier(SourceSystem, release.SourceHash)],
            Name = name.Replace("-", "").Replace(" ", ""),
            Title = $"{name}, fiscal year {release.FiscalYear}",
            Status = PublicationStatus.Active,
            Content = CodeSystemContentMode.Complete,
            CaseSensitive = true,
            Count = release.Entries.Count,
            Description = $"{name} codes in effect from {FiscalYear.Start(release.FiscalYear):yyyy-MM-dd} to {FiscalYear.End(release.FiscalYear):yyyy-MM-dd}.",
            Copyright = release.System == BillingSystems.Cpt ? "CPT is a registered trademark of the American Medical Association; these descriptors are the practice's licensed copy." : null,
            Property =
            [
                new() { Code = "billable", Type = CodeSystem.PropertyType.Boolean, Description = "The code may be billed (a leaf, not a category header)" },
                new() { Code = "notSelectable", Uri = ConceptProperties + "#notSelectable", Type = CodeSystem.PropertyType.Boolean, Description = "A category header: not for use in claims" },
            ],
        };
        if (dated)
        {
            codeSystem.Property.Add(new() { Code = "effectiveDate", Type = CodeSystem.PropertyType.DateTime, Description = "The first day the code may be used" });
            codeSystem.Property.Add(new() { Code = "terminationDate", Type = CodeSystem.PropertyType.DateTime, Description = "The last day the code may be used" });
        }
        codeSystem.AddExtension(EffectivePeriod, new Period(new FhirDateTime(FiscalYear.Start(release.FiscalYear).ToString("yyyy-MM-dd")), new FhirDateTime(FiscalYear.End(release.FiscalYear).ToString("yyyy-MM-dd"))));
        foreach (var entry in release.Entries)
        {
            var concept = new CodeSystem.ConceptDefinitionComponent { Code = entry.Code, Display = entry.Display };
            if (entry.ShortDisplay is { Length: > 0 } shortDisplay && shortDisplay != entry.Display)
                concept.Designation.Add(new() { Use = new Coding(ShortDesignation, "short", "Short description"), Value = shortDisplay });
            concept.Property.Add(new() { Code = "billable", Value = new FhirBoolean(entry.Billable) });
            if (!entry.Billable) concept.Property.Add(new() { Code = "notSelectable", Value = new FhirBoolean(true) });
            if (entry.Effective is { } from) concept.Property.Add(new() { Code = "effectiveDate", Value = new FhirDateTime(from.ToString("yyyy-MM-dd")) });
            if (entry.Terminated is { } to) concept.Property.Add(new() { Code = "terminationDate", Value = new FhirDateTime(to.ToString("yyyy-MM-dd")) });
            codeSystem.Concept.Add(concept);
        }
        return codeSystem;
    }

    /// <summary>The release a stored CodeSystem holds, or null when it is not one of billing's (another url, or a version that is no fiscal year).</summary>
    public static CodeSetRelease? FromCodeSystem(CodeSystem codeSystem)
    {
        if (!IsBillingSystem(codeSystem.Url) || !int.TryParse(codeSystem.Version, NumberStyles.None, CultureInfo.InvariantCulture, out var year)) return null;
        var entries = new List<CodeSetEntry>();
        void Add(IEnumerable<CodeSystem.ConceptDefinitionComponent> concepts)
        {
            foreach (var c in concepts)
            {
                if (c.Code is { } code)
                    entries.Add(new CodeSetEntry(code, c.Display ?? "",
                        c.Designation.FirstOrDefault(d => d.Use?.System == ShortDesignation)?.Value,
                        Billable: (Property(c, "billable") as FhirBoolean)?.Value ?? (Property(c, "notSelectable") as FhirBoolean)?.Value != true,
                        Effective: Day(Property(c, "effectiveDate")), Terminated: Day(Property(c, "terminationDate"))));
                Add(c.Concept);
            }
        }
        Add(codeSystem.Concept);
        return new CodeSetRelease(codeSystem.Url!, year, entries, codeSystem.Identifier.FirstOrDefault(i => i.System == SourceSystem)?.Value ?? "");
    }

    private static DataType? Property(CodeSystem.ConceptDefinitionComponent concept, string code) => concept.Property.FirstOrDefault(p => p.Code == code)?.Value;

    private static DateOnly? Day(DataType? value) =>
        value is FhirDateTime { Value.Length: >= 10 } d && DateOnly.TryParseExact(d.Value[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
}
