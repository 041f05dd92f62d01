using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace FhirPractice.Storage.Sqlite;

/// <summary>
/// A statement prepared once on the writer connection and run through SQLite's own API. The
/// writer runs a few dozen of these per resource (the version, the current pointer, every index
/// entry); without the ADO.NET layer's per-call overhead it keeps up with many more writes.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle!;
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    public RawStatement Bind(int index, long value)
    {
        Check(raw.sqlite3_bind_int64(_statement, index, value));
        return this;
    }

    public RawStatement Bind(int index, double value)
    {
        Check(raw.sqlite3_bind_double(_statement, index, value));
        return this;
    }

    public RawStatement Bind(int index, string? value)
    {
        Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text(_statement, index, value));
        return this;
    }

    public RawStatement Bind(int index, ReadOnlySpan<byte> value, bool isNull)
    {
        Check(isNull ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_blob(_statement, index, value));
        return this;
    }

    /// <summary>Runs a statement that returns no rows.</summary>
    public void Run()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW) Check(rc);
    }

    /// <summary>Runs a query for one integer, or null when it returns no row.</summary>
    public long? RunInt64()
    {
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc == raw.SQLITE_ROW) return raw.sqlite3_column_int64(_statement, 0);
            if (rc != raw.SQLITE_DONE) Check(rc);
            return null;
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Runs a query, reading each row it returns with <paramref name="read"/> (through <see cref="Text"/>).</summary>
    public List<T> Rows<T>(Func<RawStatement, T> read)
    {
        var rows = new List<T>();
        try
        {
            int rc;
            while ((rc = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW) rows.Add(read(this));
            if (rc != raw.SQLITE_DONE) Check(rc);
            return rows;
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>A text column of the current row.</summary>
    public string Text(int column) => raw.sqlite3_column_text(_statement, column).utf8_to_string();

    public long LastInsertRowId => raw.sqlite3_last_insert_rowid(_db);

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK) throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc);
    }

    public void Dispose() => _statement.Dispose();
}
