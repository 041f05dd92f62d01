using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Fhir.Search;

public enum SearchPrefix { Eq, Ne, Gt, Lt, Ge, Le, Sa, Eb, Ap }

/// <summary>A parsed search value, typed by its parameter; each backend compiles these to its own language.</summary>
public abstract record SearchValue;

/// <param name="System">Null matches any system; empty matches codes without a system.</param>
/// <param name="Code">Null matches any code in the system.</param>
public sealed record TokenValue(string? System, string? Code) : SearchValue;

/// <param name="Text">Normalised unless the :exact modifier applies.</param>
public sealed record StringValue(string Text) : SearchValue;

/// <param name="Id">Null (with a null <paramref name="Url"/>) matches a reference to any resource of <paramref name="Type"/>.</param>
public sealed record ReferenceValue(string? Type, string? Id, string? Url) : SearchValue;

public sealed record DateValue(SearchPrefix Prefix, DateRange Range) : SearchValue;

public sealed record NumberValue(SearchPrefix Prefix, decimal Value, decimal Low, decimal High, string? System, string? Code) : SearchValue
{
    /// <summary>A UCUM quantity converted to canonical units: it matches the canonical quantity entries only.</summary>
    public bool Canonical { get; init; }
}

public sealed record UriValue(string Uri) : SearchValue;

/// <summary>
/// A composite parameter's value (<c>code-value-quantity=http://loinc.org|8480-6$lt60</c>): one value per
/// component, in the components' order, all matched by the same indexed element.
/// </summary>
public sealed record CompositeValue(IReadOnlyList<SearchValue> Components) : SearchValue;

/// <summary>
/// <c>:in</c>/<c>:not-in</c>: a value set named by canonical URL (optionally <c>|version</c>) or local reference
/// (<c>ValueSet/id</c>). The engine expands it to <see cref="TokenValue"/>s before the query runs; stores never see it.
/// </summary>
public sealed record ValueSetValue(string ValueSet) : SearchValue;

/// <summary>
/// <c>:above</c>/<c>:below</c> on a token: the code and its ancestors (above) or descendants (below) in the code
/// system. The engine expands it to <see cref="TokenValue"/>s before the query runs; stores never see it.
/// </summary>
public sealed record SubsumptionValue(string System, string Code, bool Below) : SearchValue;

/// <summary>:missing=true|false.</summary>
public sealed record MissingValue(bool Missing) : SearchValue;

/// <summary>
/// A chained parameter (<c>subject:Patient.name=peter</c>): the reference under the criterion's parameter points,
/// as a local type/id reference, at a current resource that matches one of <see cref="Targets"/> — one nested
/// query per possible target type, each with its <see cref="SearchQuery.Type"/> set and the rest of the chain as
/// its criteria. The criterion's <see cref="SearchCriterion.Modifier"/> is the :Type, if one was given.
/// </summary>
public sealed record ChainValue(IReadOnlyList<SearchQuery> Targets) : SearchValue;

/// <summary>
/// Reverse chaining (<c>_has:Observation:patient:code=1234-5</c>): some current resource matching
/// <see cref="Source"/> (its <see cref="SearchQuery.Type"/> is set) refers to the searched resource, as a local
/// type/id reference, under the criterion's parameter — a reference parameter of the source type. The criterion's
/// <see cref="SearchCriterion.Modifier"/> is <c>_has</c>.
/// </summary>
public sealed record HasValue(SearchQuery Source) : SearchValue;

/// <summary>A node of a query's filter tree; the clauses of a <see cref="SearchQuery"/> all apply (AND).</summary>
public abstract record SearchClause;

/// <summary>
/// One parameter of a query: its values are alternatives (OR). The parameter's own <see cref="SearchParameterInfo.Resource"/>
/// names the type it applies to, so a criterion can stand in a query over several types (inside an <see cref="AnyOfClause"/>).
/// </summary>
public sealed record SearchCriterion(SearchParameterInfo Param, string? Modifier, IReadOnlyList<SearchValue> AnyOf) : SearchClause;

/// <summary>At least one of <see cref="Alternatives"/> applies (OR) — e.g. compartment membership: one of several reference parameters refers to the focal resource.</summary>
public sealed record AnyOfClause(IReadOnlyList<SearchClause> Alternatives) : SearchClause;

/// <summary>Every one of <see cref="Clauses"/> applies (AND) — e.g. inside an <see cref="AnyOfClause"/>: "an Observation of this patient's compartment with category laboratory, or …".</summary>
public sealed record AllOfClause(IReadOnlyList<SearchClause> Clauses) : SearchClause;

/// <summary>The resource is of <see cref="Type"/> and, when <see cref="Id"/> is set, is that one (a compartment's focal resource, or a type filter such as $everything's _type).</summary>
public sealed record ResourceClause(string Type, string? Id) : SearchClause;

/// <summary>One key of _sort: a parameter of the searched type (or _id/_lastUpdated), ascending or descending.</summary>
public sealed record SortKey(SearchParameterInfo Param, bool Descending)
{
    /// <summary>How the key's values are compared and carried in a page cursor.</summary>
    public SortValueKind Kind => Param.Code switch
    {
        "_lastUpdated" => SortValueKind.Integer,
        _ => Param.Type switch
        {
            SearchParamType.Date => SortValueKind.Integer,
            SearchParamType.Number or SearchParamType.Quantity => SortValueKind.Real,
            _ => SortValueKind.Text,
        },
    };

    public override string ToString() => (Descending ? "-" : "") + Param.Code;
}

/// <summary>A sort value is a string, a long (instants as UTC ticks, row ids) or a double.</summary>
public enum SortValueKind { Text, Integer, Real }

public enum TotalMode { None, Estimate, Accurate }

/// <summary>
/// A position in a search's order: the sort values of one resource (one per <see cref="SearchQuery.Sort"/> key,
/// null where it has none) and its store row id, which breaks ties so that the order is total.
/// </summary>
/// <param name="Before">The page is the one that ends just before this position (a previous link), not the one that starts after it.</param>
public sealed record PagePosition(IReadOnlyList<object?> Keys, long Rid, bool Before = false);

/// <summary>
/// A backend-neutral search: criteria, order and one page. <see cref="Position"/> is the keyset cursor
/// (where the page starts or ends), so paging needs no server-side state. The order is the <see cref="Sort"/>
/// keys — a multi-valued parameter sorts by its lowest value ascending and its highest descending, resources
/// without a value last — then the row id.
/// </summary>
public sealed record SearchQuery(
    string? Type,
    IReadOnlyList<SearchClause> Criteria,
    int Count,
    PagePosition? Position = null,
    TotalMode Total = TotalMode.None,
    IReadOnlyList<SortKey>? Sort = null);

/// <summary>
/// One _include (<see cref="Reverse"/> false) or _revinclude: <c>SourceType:Param[:TargetType]</c>, with
/// <see cref="Param"/> null for the <c>*</c> wildcard (every reference parameter of the source type).
/// <see cref="Iterate"/> applies it to included resources too, not only to the matches.
/// <see cref="Params"/> are the reference parameters it follows (all of them for the wildcard).
/// </summary>
public sealed record IncludeParam(bool Reverse, string SourceType, string? Param, string? TargetType, bool Iterate, IReadOnlyList<string> Params)
{
    public string Name => (Reverse ? "_revinclude" : "_include") + (Iterate ? ":iterate" : "");
    public string Value => $"{SourceType}:{Param ?? "*"}" + (TargetType is null ? "" : ":" + TargetType);
}

/// <summary>
/// One step of _include/_revinclude as a store answers it, over local (relative, type/id) references only.
/// Forward: the resources that the references under <see cref="Params"/> of the <see cref="From"/> resources
/// (all of <see cref="SourceType"/>) point at, only of <see cref="TargetType"/> when it is set.
/// Reverse: the resources of <see cref="SourceType"/> whose references under <see cref="Params"/> point at a
/// <see cref="From"/> resource. Either way current, non-deleted, each once, at most <see cref="Limit"/>.
/// </summary>
public sealed record IncludeQuery(bool Reverse, string SourceType, IReadOnlyList<string> Params, string? TargetType, IReadOnlyList<ResourceKey> From, int Limit);

/// <param name="Next">Where the next page starts, or null on the last one.</param>
/// <param name="Previous">Where the previous page ends (<see cref="PagePosition.Before"/>), or null on the first one.</param>
public sealed record SearchResult(IReadOnlyList<ResourceRecord> Matches, long? Total, PagePosition? Next, PagePosition? Previous = null);
