using FhirPractice.Billing.CodeSets;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using Hl7.Fhir.Model;

namespace FhirPractice.Billing.Terminology;

/// <summary>
/// <c>CodeSystem/$lookup</c>, <c>CodeSystem/$validate-code</c> and <c>ValueSet/$validate-code</c> (on the implicit
/// value set of all codes, <c>{system}?fhir_vs</c>) for ICD-10-CM, HCPCS Level II and CPT, answered from the
/// <see cref="CodeSetCatalog"/> — the same one scrubbing uses — in the release of the date of service's fiscal
/// year. A category header is found by $lookup (billable false, notSelectable true) but is not valid for
/// $validate-code unless <c>abstract</c> is true. CPT without a licensed release is valid by format, with no display.
/// </summary>
public sealed class TerminologyOperations(CodeSetCatalog catalog)
{
    private const string Base = "http://fhirpractice.org/OperationDefinition/";

    public IEnumerable<FhirOperation> Definitions =>
    [
        new("lookup", Base + "CodeSystem-lookup", System: false, Type: true, Instance: false, Types: ["CodeSystem"], Handler: LookupAsync) { Access = OperationAccess.Read },
        new("validate-code", Base + "CodeSystem-validate-code", System: false, Type: true, Instance: false, Types: ["CodeSystem"], Handler: ValidateCodeAsync) { Access = OperationAccess.Read },
        new("validate-code", Base + "ValueSet-validate-code", System: false, Type: true, Instance: false, Types: ["ValueSet"], Handler: ValidateCodeAsync) { Access = OperationAccess.Read },
    ];

    private System.Threading.Tasks.Task<FhirResponse> LookupAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        var input = TerminologyInput.Read(r, "lookup", "system", "code", "version", "coding", "date", "displayLanguage", "property");
        var coding = input.Coding("coding");
        var query = CodeSetQuery.Resolve(catalog, "lookup", Agree(input.Text("system"), coding?.System, "system", "lookup"),
            Agree(input.Text("code"), coding?.Code, "code", "lookup"), Agree(input.Text("version"), coding?.Version, "version", "lookup"), input.Date("date"), "system");
        if (!query.WellFormed) throw FhirError.BadRequest($"$lookup: '{query.Code}' is not a{(query.Name.StartsWith('I') ? "n" : "")} {query.Name} code", "code");
        if (query.FiscalYear is not { } year || catalog.Release(query.System, year) is null)
            throw FhirError.NotFound(query.System == BillingSystems.Cpt
                ? $"$lookup: no licensed CPT release is loaded{(query.FiscalYear is { } y ? $" for fiscal year {y}" : "")} (CPT codes are accepted by format; the server ships no CPT descriptors)"
                : $"$lookup: no {query.Name} release is loaded{(query.FiscalYear is { } fy ? $" for fiscal year {fy}" : "")}");
        var entry = catalog.Find(query.System, query.Code, year)
            ?? throw FhirError.NotFound($"$lookup: {query.Name} {query.Code} is not in the FY{year} release{(query.Date is { } d ? $" (in effect on {d:yyyy-MM-dd})" : "")}");

        var result = new Parameters();
        result.Add("name", new FhirString(query.Name));
        result.Add("version", new FhirString(query.Version));
        result.Add("display", new FhirString(entry.Display));
        if (entry.ShortDisplay is { Length: > 0 } shortDisplay && shortDisplay != entry.Display)
            result.Parameter.Add(new Parameters.ParameterComponent
            {
                Name = "designation",
                Part = [new() { Name = "use", Value = new Coding(CodeSystemResource.ShortDesignation, "short", "Short description") }, new() { Name = "value", Value = new FhirString(shortDisplay) }],
            });
        var billable = entry.Billable && (query.Date is not { } day || entry.InEffectOn(day));
        Property(result, "billable", new FhirBoolean(billable));
        if (!entry.Billable) Property(result, "notSelectable", new FhirBoolean(true));
        if (entry.Effective is { } from) Property(result, "effectiveDate", new FhirDateTime(from.ToString("yyyy-MM-dd")));
        if (entry.Terminated is { } to) Property(result, "terminationDate", new FhirDateTime(to.ToString("yyyy-MM-dd")));
        return System.Threading.Tasks.Task.FromResult(new FhirResponse { Resource = result });
    }

    private System.Threading.Tasks.Task<FhirResponse> ValidateCodeAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        var valueSet = type == "ValueSet";
        var input = valueSet
            ? TerminologyInput.Read(r, "validate-code", "url", "code", "system", "systemVersion", "display", "coding", "codeableConcept", "date", "abstract", "displayLanguage")
            : TerminologyInput.Read(r, "validate-code", "url", "code", "version", "display", "coding", "codeableConcept", "date", "abstract", "displayLanguage");
        var coding = input.Coding("coding") ?? input.Concept("codeableConcept")?.Coding.FirstOrDefault(c => CodeSystemResource.IsBillingSystem(c.System))
            ?? input.Concept("codeableConcept")?.Coding.FirstOrDefault();
        string? system;
        if (valueSet)
        {
            var url = input.Text("url") ?? throw FhirError.BadRequest("$validate-code needs 'url', the value set", "url");
            system = url.EndsWith("?fhir_vs", StringComparison.Ordinal) ? url[..^"?fhir_vs".Length] : null;
            if (!CodeSystemResource.IsBillingSystem(system))
                throw FhirError.NotFound($"$validate-code: the value set '{url}' is not held here (the implicit value sets {string.Join(", ", CodeSystemResource.Names.Keys.Select(k => k + "?fhir_vs"))} are)");
            system = Agree(Agree(input.Text("system"), coding?.System, "system", "validate-code"), system, "system", "validate-code");
        }
        else system = Agree(input.Text("url"), coding?.System, "url", "validate-code");
        var query = CodeSetQuery.Resolve(catalog, "validate-code", system, Agree(input.Text("code"), coding?.Code, "code", "validate-code"),
            Agree(input.Text(valueSet ? "systemVersion" : "version"), coding?.Version, "version", "validate-code"), input.Date("date"), valueSet ? "system" : "url");
        var display = Agree(input.Text("display"), coding?.Display, "display", "validate-code");
        var allowHeaders = input.Boolean("abstract") == true;

        if (!query.WellFormed) return Answer(false, $"'{query.Code}' is not a{(query.Name.StartsWith('I') ? "n" : "")} {query.Name} code");
        if (query.FiscalYear is not { } year || catalog.Release(query.System, year) is null)
            return query.System == BillingSystems.Cpt
                ? Answer(true, "Accepted by format: no licensed CPT release is loaded" + (query.FiscalYear is { } y ? $" for fiscal year {y}" : ""))
                : Answer(false, $"No {query.Name} release is loaded{(query.FiscalYear is { } fy ? $" for fiscal year {fy}" : "")}");
        var entry = catalog.Find(query.System, query.Code, year);
        if (entry is null) return Answer(false, $"{query.Name} {query.Code} is not valid{(query.Date is { } d ? $" on {d:yyyy-MM-dd}" : "")} (not in the FY{year} release)");
        if (query.Date is { } day && !entry.InEffectOn(day))
            return Answer(false, $"{query.Name} {query.Code} is not in effect on {day:yyyy-MM-dd}", entry.Display);
        if (!entry.Billable && !allowHeaders)
            return Answer(false, $"{query.Name} {query.Code} is a category header, not billable: a more specific code is needed", entry.Display);
        if (display is not null && !display.Equals(entry.Display, StringComparison.OrdinalIgnoreCase) && !display.Equals(entry.ShortDisplay, StringComparison.OrdinalIgnoreCase))
            return Answer(false, $"The display '{display}' is not the display of {query.Name} {query.Code} ('{entry.Display}')", entry.Display);
        return Answer(true, null, entry.Display);
    }

    private static System.Threading.Tasks.Task<FhirResponse> Answer(bool result, string? message, string? display = null)
    {
        var parameters = new Parameters();
        parameters.Add("result", new FhirBoolean(result));
        if (message is not null) parameters.Add("message", new FhirString(message));
        if (display is not null) parameters.Add("display", new FhirString(display));
        return System.Threading.Tasks.Task.FromResult(new FhirResponse { Resource = parameters });
    }

    private static void Property(Parameters result, string code, DataType value) =>
        result.Parameter.Add(new Parameters.ParameterComponent { Name = "property", Part = [new() { Name = "code", Value = new Code(code) }, new() { Name = "value", Value = value }] });

    /// <summary>A value given both on its own and in the coding must be the same.</summary>
    private static string? Agree(string? given, string? fromCoding, string name, string operation) =>
        given is not null && fromCoding is not null && given != fromCoding
            ? throw FhirError.BadRequest($"${operation}: '{name}' is '{given}' but the coding says '{fromCoding}'", name)
            : given ?? fromCoding;
}
