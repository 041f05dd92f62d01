using FhirPractice.Fhir.Storage;

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

public sealed record NumberValue(SearchPrefix Prefix, decimal Value, decimal Low, decimal High, string? System, string? Code) : SearchValue;

public sealed record UriValue(string Uri) : SearchValue;

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

/// <summary>The resource is of <see cref="Type"/> and, when <see cref="Id"/> is set, is that one (a compartment's focal resource, or a type filter such as $everything's _type).</summary>
public sealed record ResourceClause(string Type, string? Id) : SearchClause;

public sealed record SortKey(string Param, bool Descending);

/// <summary>
/// A backend-neutral search: criteria, order and one page. <see cref="After"/> is the keyset cursor
/// (the position of the last resource of the previous page), so paging needs no server-side state.
/// </summary>
public sealed record SearchQuery(
    string? Type,
    IReadOnlyList<SearchClause> Criteria,
    int Count,
    long? After = null,
    bool WithTotal = false,
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

/// <param name="Next">The cursor for the next page, or null on the last one.</param>
public sealed record SearchResult(IReadOnlyList<ResourceRecord> Matches, long? Total, long? Next);
