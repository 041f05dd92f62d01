using System.Text.RegularExpressions;
using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Validation;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Rest;

/// <summary>Runs the write-side checks on a parsed resource and prepares it for the store.</summary>
public sealed partial class ResourcePreparer
{
    private readonly SearchIndexer _indexer;
    private readonly IWriteValidator _validator;
    private readonly CustomSearchParameters _customSearchParameters;

    public ResourcePreparer(SearchIndexer indexer, IWriteValidator validator, CustomSearchParameters customSearchParameters)
    {
        _indexer = indexer;
        _validator = validator;
        _customSearchParameters = customSearchParameters;
    }

    [GeneratedRegex("^[A-Za-z0-9\\-\\.]{1,64}$")]
    private static partial Regex IdPattern();

    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>Time-ordered (UUID version 7), so new resources land at the end of the store's indexes instead of at random pages.</summary>
    public static string NewId() => Guid.CreateVersion7().ToString("N");

    public async ValueTask<PreparedResource> PrepareAsync(Resource resource, string id, CancellationToken ct)
    {
        if (!IsValidId(id)) throw FhirError.BadRequest($"'{id}' is not a valid resource id (1-64 of A-Z a-z 0-9 - .)", $"{resource.TypeName}.id");
        await _validator.ValidateAsync(resource, ct);
        if (resource is SearchParameter definition) _customSearchParameters.Check(definition, id);
        resource.Id = id;
        MetaStamp.SetPlaceholders(resource);
        var index = _indexer.Index(resource);
        var template = ResourceSerializer.ToJsonBytes(resource);
        return new PreparedResource { Type = resource.TypeName, Id = id, Resource = resource, Template = template, Index = index };
    }
}
