using System.Text;
using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;
using Microsoft.Data.Sqlite;

namespace FhirPractice.Storage.Sqlite;

/// <summary>
/// Compiles the backend-neutral query model to SQL over the current-version table and the index
/// tables. Every value is a bound parameter; table and column names come only from this class.
/// </summary>
internal sealed class SqliteSearch
{
    public IReadOnlyList<ResourceKey> Match(SqliteConnection connection, SqliteTransaction? transaction, SearchQuery query, int limit)
    {
        using var cmd = MatchCommand(connection, query, limit);
        cmd.Transaction = transaction;
        using var r = PreparedStatements.ExecuteReader(cmd);
        var keys = new List<ResourceKey>();
        while (r.Read()) keys.Add(new ResourceKey(r.GetString(0), r.GetString(1), r.GetInt64(2)));
        return keys;
    }

    /// <summary>
    /// The matches of a conditional write, in row-id order. The order is also what keeps the look-up cheap: unordered,
    /// SQLite reads the type's rows in (type, id) order (the clustered key holds every column selected) and checks each
    /// against the driving criterion's list, so a conditional update by identifier cost a pass over every Patient.
    /// </summary>
    internal static SqliteCommand MatchCommand(SqliteConnection connection, SearchQuery query, int limit)
    {
        var cmd = connection.CreateCommand();
        var where = Where(cmd, query);
        cmd.CommandText = $"SELECT c.type, c.id, c.version FROM resource_current c WHERE {where} ORDER BY c.rid LIMIT {limit}";
        return cmd;
    }

    public SearchResult Search(SqliteConnection connection, SearchQuery query)
    {
        var total = Total(connection, query);
        if (query.Count == 0) return new SearchResult([], total, null);

        // One row beyond the page tells whether the page has a neighbour on the side read towards.
        var at = query.Position;
        var backwards = at?.Before == true;
        var rows = SqliteSort.Read(connection, query, at, backwards, query.Count + 1);
        var more = rows.Count > query.Count;
        if (more) rows.RemoveAt(rows.Count - 1);
        if (backwards) rows.Reverse();
        var next = rows.Count > 0 && (backwards || more) ? rows[^1].Position : null;
        var previous = rows.Count > 0 && (backwards ? more : at is not null) ? rows[0].Position with { Before = true } : null;
        return new SearchResult([.. rows.Select(r => r.Record)], total, next, previous);
    }

    /// <summary>How many matches <c>_total=estimate</c> counts before it extrapolates.</summary>
    public const int EstimateBudget = 10_000;

    /// <summary>
    /// accurate: COUNT(*). estimate: the exact count when at most <see cref="EstimateBudget"/> resources match;
    /// beyond, the density of the first matches (in row-id order) extrapolated to the newest row id, which assumes
    /// matches are spread evenly over time — cheap, since it stops after the budget.
    /// </summary>
    private static long? Total(SqliteConnection connection, SearchQuery query)
    {
        if (query.Total == TotalMode.None) return null;
        using var cmd = connection.CreateCommand();
        var where = Where(cmd, query);
        if (query.Total == TotalMode.Accurate)
        {
            cmd.CommandText = $"SELECT COUNT(*) FROM resource_current c WHERE {where}";
            return (long)PreparedStatements.ExecuteScalar(cmd)!;
        }
        cmd.CommandText = $"""
            SELECT COUNT(*), MIN(rid), MAX(rid), (SELECT MAX(rid) FROM resource_current)
            FROM (SELECT c.rid FROM resource_current c WHERE {where} ORDER BY c.rid LIMIT {EstimateBudget + 1})
            """;
        using var r = PreparedStatements.ExecuteReader(cmd);
        r.Read();
        var counted = r.GetInt64(0);
        if (counted <= EstimateBudget) return counted;
        var (first, last, newest) = (r.GetInt64(1), r.GetInt64(2), r.GetInt64(3));
        return (long)Math.Round(counted * (double)(newest - first + 1) / (last - first + 1));
    }

    /// <summary>How many keys one include statement binds; larger sets run in several statements.</summary>
    private const int IncludeChunk = 500;

    /// <summary>
    /// One _include/_revinclude step through idx_reference: only local references (type and id, no URL)
    /// count, so a reference to another server's Patient/1 never brings in this server's Patient/1.
    /// </summary>
    public IReadOnlyList<ResourceRecord> Include(SqliteConnection connection, IncludeQuery query)
    {
        var records = new List<ResourceRecord>();
        if (query.Params.Count == 0 || query.Limit <= 0) return records;
        var seen = new HashSet<(string, string)>();
        var from = query.Reverse ? query.From : query.From.Where(k => k.Type == query.SourceType).ToList();
        foreach (var chunk in from.Chunk(IncludeChunk))
        {
            using var cmd = connection.CreateCommand();
            var n = 0;
            string P(object? value)
            {
                var name = "$p" + n++;
                cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
                return name;
            }
            var keys = string.Join(", ", query.Params.Select(code => P(SqliteSchema.ParamKey(query.SourceType, code))));
            var param = $"x.param IN (SELECT id FROM search_param WHERE key IN ({keys})) AND x.url = ''";
            string where;
            if (query.Reverse)
            {
                var targets = string.Join(" OR ", chunk.GroupBy(k => k.Type).Select(g =>
                    $"(x.type = {P(g.Key)} AND x.id IN ({string.Join(", ", g.Select(k => P(k.Id)))}))"));
                where = $"c.type = {P(query.SourceType)} AND c.rid IN (SELECT x.rid FROM idx_reference x WHERE {param} AND ({targets}))";
            }
            else
            {
                var target = query.TargetType is null ? "x.type <> ''" : $"x.type = {P(query.TargetType)}";
                where = $"""
                    (c.type, c.id) IN (SELECT x.type, x.id FROM idx_reference x JOIN resource_current s ON s.rid = x.rid
                        WHERE {param} AND {target} AND s.type = {P(query.SourceType)} AND s.id IN ({string.Join(", ", chunk.Select(k => P(k.Id)))}))
                    """;
            }
            cmd.CommandText = $"""
                SELECT {SqliteRecords.Columns} FROM resource_current c JOIN resource_version v ON v.rid = c.rid
                WHERE c.deleted = 0 AND {where} ORDER BY c.rid LIMIT {query.Limit - records.Count}
                """;
            using var r = PreparedStatements.ExecuteReader(cmd);
            while (r.Read())
            {
                var record = SqliteRecords.Read(r);
                if (seen.Add((record.Type, record.Id))) records.Add(record);
            }
            if (records.Count >= query.Limit) break;
        }
        return records;
    }

    internal static string Where(SqliteCommand cmd, SearchQuery query)
    {
        var n = 0;
        string P(object? value)
        {
            var name = "$p" + n++;
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
            return name;
        }
        return Conditions(query, 0, P);
    }

    /// <summary>The alias of the current-version table at a nesting level: c for the searched resources, c1, c2… for chains and _has.</summary>
    private static string Alias(int depth) => depth == 0 ? "c" : "c" + depth;

    /// <summary>The conditions of <paramref name="query"/> on the current-version table aliased <see cref="Alias"/>(<paramref name="depth"/>).</summary>
    private static string Conditions(SearchQuery query, int depth, Func<object?, string> p)
    {
        var a = Alias(depth);
        var sql = new StringBuilder($"{a}.deleted = 0");
        if (query.Type is not null) sql.Append($" AND {a}.type = {p(query.Type)}");
        var driver = query.Criteria.Where(c => DriveRank(c) < int.MaxValue).MinBy(DriveRank);
        foreach (var clause in query.Criteria)
            sql.Append(" AND (").Append(Clause(clause, query.Type, depth, p, probe: clause != driver)).Append(')');
        return sql.ToString();
    }

    /// <summary>
    /// How well a clause narrows the matches by itself, lower is better; int.MaxValue for clauses that never should
    /// (ranges, negations, :missing, :contains). One clause per query drives — its matches are listed from the index
    /// table's clustered key — and every other index criterion is checked per candidate through the table's rid index
    /// (EXISTS), so a broad criterion such as date=ge2010 costs a probe per candidate instead of a list of every dated
    /// resource. Without a driver the type is scanned.
    /// </summary>
    private static int DriveRank(SearchClause clause) => clause switch
    {
        AnyOfClause => 1,
        SearchCriterion { AnyOf: [ChainValue or HasValue] } => 2,
        SearchCriterion { Param.Code: "_id" or "_lastUpdated" } => int.MaxValue,
        SearchCriterion { Modifier: "not" or "contains" or "text" or "below" or "above" } => int.MaxValue,
        SearchCriterion { AnyOf: [MissingValue] } or SearchCriterion { AnyOf.Count: 0 } => int.MaxValue,
        SearchCriterion c => c.Param.Type switch
        {
            SearchParamType.Reference => 1,
            SearchParamType.Token when c.AnyOf.All(v => v is TokenValue { Code: not null }) => 3,
            SearchParamType.Uri => 3,
            SearchParamType.String or SearchParamType.Composite => 4,
            SearchParamType.Number or SearchParamType.Quantity when c.AnyOf.All(v => v is NumberValue { Prefix: SearchPrefix.Eq }) => 5,
            SearchParamType.Date when c.AnyOf.All(v => v is DateValue { Prefix: SearchPrefix.Eq }) => 6,
            _ => int.MaxValue,
        },
        _ => int.MaxValue,
    };

    /// <summary>One node of the filter tree; a criterion's parameter names its own type when the query has none (Patient/123/*).</summary>
    private static string Clause(SearchClause clause, string? type, int depth, Func<object?, string> p, bool probe = false) => clause switch
    {
        SearchCriterion c => Criterion(c, type ?? OwnType(c.Param), depth, p, probe),
        AnyOfClause any => AnyOf(any, type, depth, p),
        AllOfClause { Clauses.Count: 0 } => "1",
        AllOfClause all => string.Join(" AND ", all.Clauses.Select(c => "(" + Clause(c, type, depth, p, probe: true) + ")")),
        ResourceClause { Id: null } r => $"{Alias(depth)}.type = {p(r.Type)}",
        ResourceClause r => $"({Alias(depth)}.type = {p(r.Type)} AND {Alias(depth)}.id = {p(r.Id)})",
        _ => throw new NotSupportedException(clause.GetType().Name),
    };

    /// <summary>The type a parameter belongs to; null for the common parameters (_tag…), which are filed under their code alone.</summary>
    private static string? OwnType(SearchParameterInfo param) => param.Resource == "Resource" ? null : param.Resource;

    /// <summary>
    /// Alternatives joined by OR. Plain references to one and the same target (compartment membership: any of these
    /// parameters refers to Patient/123) merge into a single probe of idx_reference over all their parameters, which
    /// the clustered (param, id, type…) key answers with one seek per parameter. No alternative matches nothing.
    /// </summary>
    private static string AnyOf(AnyOfClause any, string? type, int depth, Func<object?, string> p)
    {
        var a = Alias(depth);
        var parts = new List<string>();
        var references = any.Alternatives.OfType<SearchCriterion>()
            .Where(c => c is { Modifier: null, Param.Type: SearchParamType.Reference, AnyOf: [ReferenceValue { Type: not null, Url: null }] })
            .ToList();
        foreach (var target in references.GroupBy(c => (ReferenceValue)c.AnyOf[0]))
        {
            var keys = string.Join(", ", target.Select(c => p(SqliteSchema.ParamKey(type ?? c.Param.Resource, c.Param.Code))));
            var id = target.Key.Id is null ? "" : $" AND x.id = {p(target.Key.Id)}";
            parts.Add($"{a}.rid IN (SELECT x.rid FROM idx_reference x WHERE x.param IN (SELECT id FROM search_param WHERE key IN ({keys})){id} AND x.type = {p(target.Key.Type)})");
        }
        foreach (var clause in any.Alternatives.Except(references))
            parts.Add("(" + Clause(clause, type, depth, p) + ")");
        return parts.Count == 0 ? "0" : string.Join(" OR ", parts);
    }

    /// <param name="probe">Check the resource at hand (EXISTS on the table's rid index) instead of listing every match.</param>
    private static string Criterion(SearchCriterion c, string? type, int depth, Func<object?, string> p, bool probe = false)
    {
        var a = Alias(depth);
        var param = c.Param;
        if (c.AnyOf is [ChainValue chain])
        {
            // The reference points (type/id, no URL) at a current resource that matches one of the nested queries.
            var (r, inner) = ("r" + depth, Alias(depth + 1));
            var targets = string.Join(" UNION ALL ", chain.Targets.Select(t =>
                $"SELECT {inner}.type, {inner}.id FROM resource_current {inner} WHERE {Conditions(t, depth + 1, p)}"));
            return $"""
                {a}.rid IN (SELECT {r}.rid FROM idx_reference {r} WHERE {r}.param = {ParamId(type, param.Code, p)} AND {r}.url = ''
                    AND ({r}.type, {r}.id) IN ({targets}))
                """;
        }
        if (c.AnyOf is [HasValue has])
        {
            // A current resource that matches the nested query refers (type/id, no URL) to this one.
            var (r, inner) = ("r" + depth, Alias(depth + 1));
            return $"""
                ({a}.type, {a}.id) IN (SELECT {r}.type, {r}.id FROM idx_reference {r} WHERE {r}.param = {ParamId(has.Source.Type, param.Code, p)} AND {r}.url = ''
                    AND {r}.rid IN (SELECT {inner}.rid FROM resource_current {inner} WHERE {Conditions(has.Source, depth + 1, p)}))
                """;
        }
        // Every resource has an id and a lastUpdated: :missing=true matches none, :missing=false all.
        if (c.AnyOf is [MissingValue always] && SearchParameterRegistry.IsStoredAsColumn(param.Code))
            return always.Missing ? "0" : "1";
        if (param.Code == "_id")
            return c.Modifier == "not"
                ? $"{a}.id NOT IN ({string.Join(", ", c.AnyOf.OfType<TokenValue>().Select(v => p(v.Code)))})"
                : $"{a}.id IN ({string.Join(", ", c.AnyOf.OfType<TokenValue>().Select(v => p(v.Code)))})";
        if (param.Code == "_lastUpdated")
            return string.Join(" OR ", c.AnyOf.OfType<DateValue>().Select(v =>
                DateCondition(v, $"(SELECT last_updated * 10000 + 621355968000000000 FROM resource_version WHERE rid = {a}.rid)",
                    $"(SELECT last_updated * 10000 + 621355968000000000 + 10000 FROM resource_version WHERE rid = {a}.rid)", p)));

        // :identifier and :of-type have entries of their own, filed under the parameter's code with the modifier.
        var keyCode = c.Modifier is "identifier" or "of-type" ? param.Code + ":" + c.Modifier : param.Code;
        var key = ParamId(type, keyCode, p);
        var table = c.Modifier == "identifier" ? "idx_token" : SqliteSchema.IndexTable(param.Type);
        // :missing=true and :not are "no entry that…": a probe is all they can be.
        var (negated, condition) = c.AnyOf is [MissingValue missing]
            ? (missing.Missing, "1")
            // No alternatives (an empty value set) match nothing.
            : (c.Modifier == "not", c.AnyOf.Count == 0 ? "0" : string.Join(" OR ", c.AnyOf.Select(v => v is CompositeValue composite ? Composite(param, composite, key, 0, p) : Value(param.Type, v, c.Modifier, p))));
        // The driver, "c.rid IN (…)", finds its matches through the index table's clustered key and looks the
        // resources up by rid; a probe looks for the resource's own entries through the table's rid index.
        return probe || negated
            ? $"{(negated ? "NOT " : "")}EXISTS (SELECT 1 FROM {table} x WHERE x.rid = {a}.rid AND x.param = {key} AND ({condition}))"
            : $"{a}.rid IN (SELECT x.rid FROM {table} x WHERE x.param = {key} AND ({condition}))";
    }

    /// <summary>
    /// Part <paramref name="part"/> of a composite value matches on the row x, and the following parts on rows of the
    /// same entry (rid, elem) — each nested query has its own x, so the value conditions are those of the plain types.
    /// </summary>
    private static string Composite(SearchParameterInfo param, CompositeValue value, string key, int part, Func<object?, string> p)
    {
        var condition = $"x.part = {part} AND ({Value(param.Components[part].Type, value.Components[part], null, p)})";
        if (part + 1 == value.Components.Count) return condition;
        return $"{condition} AND (x.rid, x.elem) IN (SELECT x.rid, x.elem FROM idx_composite x WHERE x.param = {key} AND {Composite(param, value, key, part + 1, p)})";
    }

    /// <summary>A value of a parameter of <paramref name="type"/>: a quantity compares with the canonical UCUM entries only when it is canonical itself.</summary>
    private static string Value(SearchParamType type, SearchValue value, string? modifier, Func<object?, string> p) =>
        type == SearchParamType.Quantity && value is NumberValue n
            ? $"{NumberCondition(n, p)} AND x.system {(n.Canonical ? "=" : "<>")} {p(SqliteSchema.CanonicalUcumSystem)}"
            : Value(value, modifier, p);

    /// <summary>The search_param id of a parameter of <paramref name="type"/> (a common parameter when the type is null).</summary>
    internal static string ParamId(string? type, string code, Func<object?, string> p) =>
        $"(SELECT id FROM search_param WHERE key = {p(type is null ? code : SqliteSchema.ParamKey(type, code))})";

    private static string Value(SearchValue value, string? modifier, Func<object?, string> p) => value switch
    {
        StringValue s when modifier == "text" => $"x.text LIKE {p("%" + EscapeLike(s.Text) + "%")} ESCAPE '\\'",
        StringValue s when modifier == "exact" => $"x.exact = {p(s.Text)}",
        StringValue s when modifier == "contains" => $"x.value LIKE {p("%" + EscapeLike(s.Text) + "%")} ESCAPE '\\'",
        StringValue s => $"(x.value >= {p(s.Text)} AND x.value < {p(s.Text + "\U0010FFFF")})",
        TokenValue { System: null, Code: var code } => $"x.code = {p(code)}",
        TokenValue { System: "", Code: var code } => $"(x.system = '' AND x.code = {p(code)})",
        TokenValue { System: var system, Code: null } => $"x.system = {p(system)}",
        TokenValue t => $"(x.system = {p(t.System)} AND x.code = {p(t.Code)})",
        ReferenceValue { Type: null, Id: { } id, Url: { } url } => $"(x.id = {p(id)} OR x.url = {p(url)})", // a bare id
        ReferenceValue { Url: { } url } r when r.Id is not null => $"((x.type = {p(r.Type)} AND x.id = {p(r.Id)}) OR x.url = {p(url)})",
        ReferenceValue { Url: { } url } => $"x.url = {p(url)}",
        ReferenceValue { Id: null } r => $"x.type = {p(r.Type)}",  // any id
        ReferenceValue r => $"(x.type = {p(r.Type)} AND x.id = {p(r.Id)})",
        // URIs compare case-sensitively and as written (LIKE folds case and reads '_' and '%' in the stored value as wildcards).
        UriValue u when modifier == "below" => $"(x.value >= {p(u.Uri)} AND x.value < {p(u.Uri + "\U0010FFFF")})",
        UriValue u when modifier == "above" => $"x.value = substr({p(u.Uri)}, 1, length(x.value))",
        UriValue u => $"x.value = {p(u.Uri)}",
        DateValue d => DateCondition(d, "x.low", "x.high", p),
        NumberValue n => NumberCondition(n, p),
        _ => throw new NotSupportedException(value.GetType().Name),
    };

    /// <summary>Compares the indexed range [low, high) with the searched range per the FHIR prefix rules.</summary>
    private static string DateCondition(DateValue d, string low, string high, Func<object?, string> p)
    {
        var lo = p(d.Range.Low.UtcTicks);
        var hi = p(d.Range.High.UtcTicks);
        return d.Prefix switch
        {
            SearchPrefix.Eq => $"({low} >= {lo} AND {high} <= {hi})",
            SearchPrefix.Ne => $"NOT ({low} >= {lo} AND {high} <= {hi})",
            SearchPrefix.Gt => $"{high} > {hi}",
            SearchPrefix.Lt => $"{low} < {lo}",
            SearchPrefix.Ge => $"{high} > {lo}",
            SearchPrefix.Le => $"{low} < {hi}",
            SearchPrefix.Sa => $"{low} >= {hi}",
            SearchPrefix.Eb => $"{high} <= {lo}",
            _ => $"({low} < {hi} AND {high} > {lo})", // ap: the ranges overlap
        };
    }

    private static string NumberCondition(NumberValue n, Func<object?, string> p)
    {
        var unit = n.Canonical ? $" AND x.code = {p(n.Code)}" :
            n.System is null && n.Code is null ? "" :
            n.System is null ? $" AND x.code = {p(n.Code)}" :
            $" AND x.system = {p(n.System)} AND x.code = {p(n.Code)}";
        var v = p((double)n.Value);
        // Values are stored as doubles: a value with more significant digits than a double holds (Synthea writes
        // 17) can round to just outside its own precision range, so the range is widened by one unit of the last place.
        var (low, high) = (p(Math.BitDecrement((double)n.Low)), p(Math.BitIncrement((double)n.High)));
        var compare = n.Prefix switch
        {
            SearchPrefix.Eq => $"(x.value >= {low} AND x.value < {high})",
            SearchPrefix.Ne => $"NOT (x.value >= {low} AND x.value < {high})",
            SearchPrefix.Gt or SearchPrefix.Sa => $"x.value > {v}",
            SearchPrefix.Lt or SearchPrefix.Eb => $"x.value < {v}",
            SearchPrefix.Ge => $"x.value >= {v}",
            SearchPrefix.Le => $"x.value <= {v}",
            _ => $"(x.value >= {p((double)(n.Value * 0.9m))} AND x.value <= {p((double)(n.Value * 1.1m))})", // ap: within 10%
        };
        return compare + unit;
    }

    private static string EscapeLike(string s) => s.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
