using FhirPractice.Fhir.Storage;
using Microsoft.Data.Sqlite;

namespace FhirPractice.Storage.Sqlite;

/// <summary>Reads a <see cref="ResourceRecord"/> from the columns rid, type, id, version, last_updated, method, deleted, json.</summary>
internal static class SqliteRecords
{
    public const string Columns = "v.rid, v.type, v.id, v.version, v.last_updated, v.method, v.deleted, v.json";

    /// <summary>
    /// Reads a page from a query that selects <see cref="Columns"/> with LIMIT count + 1: the extra row only
    /// tells that there is a next page, whose keyset cursor is the rid of the page's last record.
    /// </summary>
    public static (List<ResourceRecord> Page, long? Next) ReadPage(SqliteCommand cmd, int count)
    {
        var page = new List<ResourceRecord>();
        long lastRid = 0;
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            if (page.Count == count) return (page, lastRid);
            page.Add(Read(r));
            lastRid = r.GetInt64(0);
        }
        return (page, null);
    }

    public static ResourceRecord Read(SqliteDataReader r) => new(
        r.GetString(1),
        r.GetString(2),
        r.GetInt64(3),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)),
        r.GetString(5),
        r.GetInt64(6) != 0,
        r.IsDBNull(7) ? ReadOnlyMemory<byte>.Empty : (byte[])r.GetValue(7));
}
