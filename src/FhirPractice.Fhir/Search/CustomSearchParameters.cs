using System.Text.RegularExpressions;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;
using Hl7.FhirPath;

namespace FhirPractice.Fhir.Search;

/// <summary>
/// Custom search parameters: SearchParameter resources written through the API or placed in the
/// <c>conformance/</c> folder. A written one is checked before it is stored (a precise 422 when it could
/// not be used) and, once committed, defines its parameters in the registry when its status is active,
/// or removes them otherwise (draft, retired, deleted). At start the folder and the store are loaded.
/// </summary>
public sealed partial class CustomSearchParameters(SearchParameterRegistry registry)
{
    private static readonly SearchParamType[] IndexedTypes =
    [
        SearchParamType.String, SearchParamType.Token, SearchParamType.Reference, SearchParamType.Date,
        SearchParamType.Number, SearchParamType.Quantity, SearchParamType.Uri,
    ];

    private readonly FhirPathCompiler _compiler = FhirPathCompilers.WithFhirFunctions();

    /// <summary>What defines the parameters of the stored SearchParameter with this id.</summary>
    public static string StoredSource(string id) => "SearchParameter/" + id;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]*$")]
    private static partial Regex CodePattern();

    /// <summary>Refuses, with a 422 that says what is wrong, a SearchParameter the server could not use; an active one must not take a code already in use.</summary>
    public void Check(SearchParameter definition, string id)
    {
        var parameters = ToParameters(definition);
        if (definition.Status == PublicationStatus.Active && registry.ClashOf(StoredSource(id), parameters) is { } clash)
            throw FhirError.Unprocessable($"SearchParameter.code: {clash}", "SearchParameter.code");
    }

    /// <summary>Applies a committed version of a SearchParameter to the registry (other types are ignored).</summary>
    /// <returns>Why an active one could not be defined (a code taken meanwhile by a concurrent write), or null.</returns>
    public string? Committed(ResourceRecord? record)
    {
        if (record is not { Type: "SearchParameter" }) return null;
        var source = StoredSource(record.Id);
        if (record.Deleted) { registry.Remove(source); return null; }
        return Apply(source, (SearchParameter)ResourceSerializer.ParseTrustedJson(record.Json.Span));
    }

    /// <summary>
    /// Defines the active SearchParameters of the conformance folder, then those in the store.
    /// Returns what could not be defined, for the log.
    /// </summary>
    public async Task<IReadOnlyList<string>> LoadAsync(string conformanceFolder, IResourceStore store, CancellationToken ct)
    {
        var problems = new List<string>();
        if (Directory.Exists(conformanceFolder))
            foreach (var file in Directory.EnumerateFiles(conformanceFolder, "*.json").Order(StringComparer.Ordinal))
            {
                var name = "conformance/" + Path.GetFileName(file);
                try
                {
                    if (ResourceSerializer.ParseJson(await File.ReadAllBytesAsync(file, ct)) is SearchParameter definition &&
                        Apply(name, definition) is { } problem)
                        problems.Add($"{name}: {problem}");
                }
                catch (FhirError e) { problems.Add($"{name}: {e.Message}"); }
            }

        PagePosition? after = null;
        do
        {
            var page = await store.SearchAsync(new SearchQuery("SearchParameter", [], 100, after), ct);
            foreach (var record in page.Matches)
            {
                try
                {
                    if (Committed(record) is { } problem) problems.Add($"{StoredSource(record.Id)}: {problem}");
                }
                catch (FhirError e) { problems.Add($"{StoredSource(record.Id)}: {e.Message}"); }
            }
            after = page.Next;
        } while (after is not null);
        return problems;
    }

    private string? Apply(string source, SearchParameter definition)
    {
        if (definition.Status != PublicationStatus.Active) { registry.Remove(source); return null; }
        return registry.Define(source, ToParameters(definition));
    }

    /// <summary>The parameter on each base type, or a 422 naming the element that makes the definition unusable.</summary>
    private List<SearchParameterInfo> ToParameters(SearchParameter d)
    {
        // status, code, base and type are required elements: the strict parse has refused a resource without them.
        if (!CodePattern().IsMatch(d.Code!))
            throw Invalid("code", $"'{d.Code}' is not usable as a search parameter name: letters, digits, '-' and '_', not starting with '_' or '-'");
        var type = d.Type!.Value;
        if (!IndexedTypes.Contains(type))
            throw Invalid("type", $"{type.ToString().ToLowerInvariant()} is not supported for custom search parameters (string, token, reference, date, number, quantity or uri)");
        var bases = d.Base.Select(b => b?.GetLiteral()).OfType<string>().ToList();
        foreach (var b in bases)
            if (!ModelInfo.IsKnownResource(b) || b is "Resource" or "DomainResource")
                throw Invalid("base", $"'{b}' is not a concrete resource type");
        var targets = d.Target.Select(t => t?.GetLiteral()).OfType<string>().ToList();
        foreach (var t in targets)
            if (!ModelInfo.IsKnownResource(t)) throw Invalid("target", $"'{t}' is not a resource type");
        if (string.IsNullOrWhiteSpace(d.Expression)) throw Invalid("expression", "a FHIRPath expression is required to index the parameter");
        try
        {
            _compiler.Compile(d.Expression);
            foreach (var b in bases) IndexExpression.Compile(d.Expression, b, _compiler);
        }
        catch (Exception e) when (e is not FhirError)
        {
            throw Invalid("expression", $"'{d.Expression}' is not a FHIRPath expression this server can evaluate: {e.Message}");
        }
        return bases.Select(b => new SearchParameterInfo(d.Code!, b, type, d.Expression, d.Url, targets)).ToList();
    }

    private static FhirError Invalid(string element, string problem) =>
        FhirError.Unprocessable($"SearchParameter.{element}: {problem}", $"SearchParameter.{element}");
}
