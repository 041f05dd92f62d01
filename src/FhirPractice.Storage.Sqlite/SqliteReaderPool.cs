using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace FhirPractice.Storage.Sqlite;

/// <summary>
/// Read connections kept open with their hot statements prepared, so a read by id or a module-state
/// range scan costs one statement step rather than an open and a prepare. WAL readers never block the writer.
/// </summary>
internal sealed class SqliteReaderPool(Func<SqliteConnection> open) : IDisposable
{
    private readonly ConcurrentBag<Reader> _idle = [];

    public Reader Rent() => _idle.TryTake(out var reader) ? reader : new Reader(open());

    public void Return(Reader reader) => _idle.Add(reader);

    public void Dispose()
    {
        while (_idle.TryTake(out var reader)) reader.Dispose();
    }

    internal sealed class Reader : IDisposable
    {
        public SqliteConnection Connection { get; }
        public SqliteCommand ReadCurrent { get; }
        public SqliteCommand ReadVersion { get; }
        public SqliteCommand ScanState { get; }

        public Reader(SqliteConnection connection)
        {
            Connection = connection;
            ReadCurrent = Prepare($"SELECT {SqliteRecords.Columns} FROM resource_current c JOIN resource_version v ON v.rid = c.rid WHERE c.type = $t AND c.id = $i", "$t", "$i");
            ReadVersion = Prepare($"SELECT {SqliteRecords.Columns} FROM resource_version v WHERE v.type = $t AND v.id = $i AND v.version = $v", "$t", "$i", "$v");
            ScanState = Prepare(SqliteModuleState.ScanSql, "$kind", "$from", "$to", "$limit");
        }

        private SqliteCommand Prepare(string sql, params string[] parameters)
        {
            var cmd = Connection.CreateCommand();
            cmd.CommandText = sql;
            foreach (var p in parameters) cmd.Parameters.Add(new SqliteParameter(p, null));
            cmd.Prepare();
            return cmd;
        }

        public void Dispose()
        {
            ReadCurrent.Dispose();
            ReadVersion.Dispose();
            ScanState.Dispose();
            Connection.Dispose();
        }
    }
}
