using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;
using Microsoft.Data.Sqlite;

namespace FhirPractice.Storage.Sqlite;

/// <summary>
/// Reads one page of a search in its order — the _sort keys, then the row id — starting after a
/// <see cref="PagePosition"/> or, read backwards, ending before it (keyset paging: no state, no OFFSET).
/// A key on an index table is the resource's lowest entry ascending and its highest descending, computed
/// per resource by a correlated MIN/MAX on the table's rid index; resources without an entry come last.
/// When the type is all the query asks for and one index-table key orders it, the page is read from that
/// table in key order instead, so the type is never sorted as a whole.
/// </summary>
internal static class SqliteSort
{
    public sealed record Row(ResourceRecord Record, PagePosition Position);

    /// <param name="Expr">SQL for the key's value.</param>
    /// <param name="Nullable">A resource may lack the value; such resources sort last either way.</param>
    private sealed record Column(string Expr, bool Descending, bool Nullable, SortValueKind Kind);

    /// <summary>The rows after <paramref name="at"/> (or, <paramref name="backwards"/>, before it, nearest first), at most <paramref name="limit"/>.</summary>
    public static List<Row> Read(SqliteConnection connection, SearchQuery query, PagePosition? at, bool backwards, int limit)
    {
        var sort = query.Sort ?? [];
        if (query is not { Type: not null, Criteria.Count: 0 } || sort is not [var key] || IndexOrder(key) is not (var table, var column, var rest))
            return ReadComputed(connection, query, at, backwards, limit);

        // Two zones: the resources with a value in index order, then those without in row-id order.
        var inMissingZone = at is { Keys: [null] };
        var rows = new List<Row>();
        if (!backwards && !inMissingZone) rows.AddRange(ReadIndexed(connection, query, key, table, column, rest, at, false, limit));
        if (rows.Count < limit && (!backwards || inMissingZone))
            rows.AddRange(ReadMissing(connection, query, key, table, inMissingZone ? at : null, backwards, limit - rows.Count));
        if (rows.Count < limit && backwards)
            rows.AddRange(ReadIndexed(connection, query, key, table, column, rest, inMissingZone ? null : at, true, limit - rows.Count));
        return rows;
    }

    /// <summary>
    /// The index table and column whose clustered order (after the parameter) is the key's order, with the key
    /// columns between it and the rid (which tell apart a resource's entries of equal value), or null.
    /// </summary>
    private static (string Table, string Column, string[] Between)? IndexOrder(SortKey key) => key.Param.Code switch
    {
        "_id" or "_lastUpdated" => null,
        _ => key.Param.Type switch
        {
            SearchParamType.String => ("idx_string", "value", ["exact"]),
            SearchParamType.Token => ("idx_token", "code", ["system"]),
            // Descending dates sort by the end of each range, which the table is not ordered by.
            SearchParamType.Date when !key.Descending => ("idx_date", "low", ["high"]),
            SearchParamType.Number => ("idx_number", "value", ["low", "high"]),
            SearchParamType.Uri => ("idx_uri", "value", []),
            _ => null,
        },
    };

    /// <summary>
    /// Any query: every match's keys computed, then ordered (cheap when the criteria narrow the matches). With keys,
    /// each match's keys are computed once (a materialised CTE, so SQLite cannot copy the key subqueries into the
    /// keyset and ORDER BY) and the page is cut before the stored JSON is read, so the sort carries row ids only.
    /// Without keys the matches stream in row-id order and the LIMIT stops the scan early.
    /// </summary>
    private static List<Row> ReadComputed(SqliteConnection connection, SearchQuery query, PagePosition? at, bool backwards, int limit)
    {
        using var cmd = connection.CreateCommand();
        var where = SqliteSearch.Where(cmd, query);
        var p = Binder(cmd);
        var (columns, ridDescending) = Columns(query, p);
        if (columns.Count == 0)
        {
            if (at is not null) where += " AND " + Keyset(columns, "c.rid", ridDescending, at, backwards, p);
            cmd.CommandText = $"""
                SELECT {SqliteRecords.Columns} FROM resource_current c JOIN resource_version v ON v.rid = c.rid
                WHERE {where} ORDER BY {OrderBy(columns, "c.rid", ridDescending, backwards)} LIMIT {limit}
                """;
            return ReadRows(cmd, query.Sort?.Count ?? 0, columns);
        }
        var keyed = columns.Select((c, i) => c with { Expr = "m.k" + i }).ToList();
        var keyset = at is null ? "" : "WHERE " + Keyset(keyed, "m.rid", ridDescending, at, backwards, p);
        var order = OrderBy(keyed, "m.rid", ridDescending, backwards);
        cmd.CommandText = $"""
            WITH m AS MATERIALIZED (SELECT c.rid AS rid{string.Concat(columns.Select((c, i) => $", {c.Expr} AS k{i}"))} FROM resource_current c WHERE {where})
            SELECT {SqliteRecords.Columns}{string.Concat(keyed.Select(c => ", " + c.Expr))}
            FROM (SELECT * FROM m {keyset} ORDER BY {order} LIMIT {limit}) m JOIN resource_version v ON v.rid = m.rid
            ORDER BY {order}
            """;
        return ReadRows(cmd, query.Sort?.Count ?? 0, columns);
    }

    /// <summary>
    /// Resources with a value for the one key, straight from its index table in key order (CROSS JOIN keeps SQLite
    /// from starting at the type instead): each resource once, at its lowest entry (highest, descending) and, among
    /// entries of that value, the first in the table. SQLite reads the table range in value order and sorts only
    /// the rids within one value, so a page costs about its own size.
    /// </summary>
    private static List<Row> ReadIndexed(SqliteConnection connection, SearchQuery query, SortKey key, string table, string column, string[] rest, PagePosition? at, bool backwards, int limit)
    {
        using var cmd = connection.CreateCommand();
        var where = SqliteSearch.Where(cmd, query);
        var p = Binder(cmd);
        var param = SqliteSearch.ParamId(query.Type, key.Param.Code, p);
        Column[] inner = [new($"x.{column}", key.Descending, false, key.Kind)];
        var keyset = at is null ? "" : " AND " + Keyset(inner, "x.rid", false, at, backwards, p);
        var tie = rest.Length == 0 ? "" : $" OR (y.{column} = x.{column} AND ({string.Join(", ", rest.Select(r => "y." + r))}) < ({string.Join(", ", rest.Select(r => "x." + r))}))";
        cmd.CommandText = $"""
            SELECT {SqliteRecords.Columns}, s.k FROM (
                SELECT x.{column} AS k, x.rid AS rid FROM {table} x CROSS JOIN resource_current c ON c.rid = x.rid
                WHERE x.param = {param} AND {where}{keyset}
                    AND NOT EXISTS (SELECT 1 FROM {table} y WHERE y.param = x.param AND y.rid = x.rid AND (y.{column} {(key.Descending ? ">" : "<")} x.{column}{tie}))
                ORDER BY {OrderBy(inner, "x.rid", false, backwards)} LIMIT {limit}) s
            JOIN resource_version v ON v.rid = s.rid
            ORDER BY {OrderBy([inner[0] with { Expr = "s.k" }], "s.rid", false, backwards)}
            """;
        return ReadRows(cmd, 1, inner);
    }

    /// <summary>Resources of the type without an entry for the key, in row-id order after (or before) <paramref name="at"/>.</summary>
    private static List<Row> ReadMissing(SqliteConnection connection, SearchQuery query, SortKey key, string table, PagePosition? at, bool backwards, int limit)
    {
        using var cmd = connection.CreateCommand();
        var where = SqliteSearch.Where(cmd, query);
        var p = Binder(cmd);
        var param = SqliteSearch.ParamId(query.Type, key.Param.Code, p);
        if (at is not null) where += $" AND c.rid {(backwards ? "<" : ">")} {p(at.Rid)}";
        cmd.CommandText = $"""
            SELECT {SqliteRecords.Columns}, NULL FROM resource_current c JOIN resource_version v ON v.rid = c.rid
            WHERE {where} AND NOT EXISTS (SELECT 1 FROM {table} x WHERE x.param = {param} AND x.rid = c.rid)
            ORDER BY c.rid {(backwards ? "DESC" : "ASC")} LIMIT {limit}
            """;
        return ReadRows(cmd, 1, [new("NULL", key.Descending, true, key.Kind)]);
    }

    /// <summary>
    /// The SQL of each sort key over the current-version row c. A key that is the row id itself (_lastUpdated: row
    /// ids grow with the commit instant) ends the list and takes the place of the row-id tie-break, so the default
    /// and _lastUpdated orders read ix_current_type in order.
    /// </summary>
    private static (List<Column> Columns, bool RidDescending) Columns(SearchQuery query, Func<object?, string> p)
    {
        var columns = new List<Column>();
        foreach (var key in query.Sort ?? [])
        {
            if (key.Param.Code == "_lastUpdated") return (columns, key.Descending);
            if (key.Param.Code == "_id") { columns.Add(new("c.id", key.Descending, false, key.Kind)); continue; }
            var table = SqliteSchema.IndexTable(key.Param.Type);
            var value = key.Param.Type switch
            {
                SearchParamType.Token => "x.code",
                SearchParamType.Reference => "CASE WHEN x.url <> '' THEN x.url ELSE x.type || '/' || x.id END",
                SearchParamType.Date => key.Descending ? "x.high" : "x.low",
                _ => "x.value",
            };
            var extreme = key.Descending ? "MAX" : "MIN";
            // Quantities sort by the value as written: the extra canonical-unit entries of UCUM quantities stay out.
            var written = key.Param.Type == SearchParamType.Quantity ? $" AND x.system <> {p(SqliteSchema.CanonicalUcumSystem)}" : "";
            columns.Add(new($"(SELECT {extreme}({value}) FROM {table} x WHERE x.param = {SqliteSearch.ParamId(query.Type, key.Param.Code, p)} AND x.rid = c.rid{written})",
                key.Descending, true, key.Kind));
        }
        return (columns, false);
    }

    /// <summary>ORDER BY terms: each key (missing values last), then the row id; all reversed when reading backwards.</summary>
    private static string OrderBy(IReadOnlyList<Column> columns, string rid, bool ridDescending, bool backwards)
    {
        var terms = new List<string>();
        foreach (var c in columns)
        {
            if (c.Nullable) terms.Add($"({c.Expr} IS NULL){(backwards ? " DESC" : "")}");
            terms.Add(c.Expr + (c.Descending != backwards ? " DESC" : ""));
        }
        terms.Add(rid + (ridDescending != backwards ? " DESC" : ""));
        return string.Join(", ", terms);
    }

    /// <summary>
    /// The rows strictly after <paramref name="at"/> in the order (strictly before it when reading backwards):
    /// beyond on the first key, or equal on it and beyond on the rest, down to the row id.
    /// </summary>
    private static string Keyset(IReadOnlyList<Column> columns, string rid, bool ridDescending, PagePosition at, bool backwards, Func<object?, string> p)
    {
        var sql = $"{rid} {(ridDescending != backwards ? "<" : ">")} {p(at.Rid)}";
        for (var i = columns.Count - 1; i >= 0; i--)
        {
            var (c, v) = (columns[i], at.Keys[i]);
            string beyond, equal;
            if (v is null)
            {
                // Missing values come last: after one, only other missing ones; before one, every present one.
                beyond = backwards ? $"{c.Expr} IS NOT NULL" : "0";
                equal = $"{c.Expr} IS NULL";
            }
            else
            {
                var value = p(v);
                beyond = $"{c.Expr} {(c.Descending != backwards ? "<" : ">")} {value}";
                if (c.Nullable && !backwards) beyond = $"({beyond} OR {c.Expr} IS NULL)";
                equal = $"{c.Expr} = {value}";
            }
            sql = $"({beyond} OR ({equal} AND {sql}))";
        }
        // A plain bound on a present first key lets SQLite seek the index range instead of testing every row.
        if (columns is [{ Nullable: false } first, ..] && at.Keys[0] is { } start)
            sql += $" AND {first.Expr} {(first.Descending != backwards ? "<=" : ">=")} {p(start)}";
        return sql;
    }

    private static List<Row> ReadRows(SqliteCommand cmd, int keyCount, IReadOnlyList<Column> columns)
    {
        var rows = new List<Row>();
        using var r = PreparedStatements.ExecuteReader(cmd);
        while (r.Read())
        {
            var rid = r.GetInt64(0);
            // A row-id key (_lastUpdated) is the row id; keys after it are never compared.
            var keys = new object?[keyCount];
            for (var i = 0; i < keyCount; i++)
            {
                var ordinal = 8 + i;
                keys[i] = i == columns.Count ? rid : i > columns.Count || r.IsDBNull(ordinal) ? null : columns[i].Kind switch
                {
                    SortValueKind.Integer => r.GetInt64(ordinal),
                    SortValueKind.Real => r.GetDouble(ordinal),
                    _ => (object)r.GetString(ordinal),
                };
            }
            rows.Add(new Row(SqliteRecords.Read(r), new PagePosition(keys, rid)));
        }
        return rows;
    }

    /// <summary>Binds values as $s0, $s1… beside the criteria's own parameters.</summary>
    private static Func<object?, string> Binder(SqliteCommand cmd)
    {
        var n = 0;
        return value =>
        {
            var name = "$s" + n++;
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
            return name;
        };
    }
}
