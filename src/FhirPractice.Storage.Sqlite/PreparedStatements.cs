using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace FhirPractice.Storage.Sqlite;

/// <summary>
/// Search SQL prepared once per connection and reused. Queries of one shape compile to the same text (every value
/// is a bound parameter), and preparing that text again for every search and every conditional write cost more
/// than running it. A command built for one call is swapped for the connection's prepared twin, its values copied
/// over; the least recently used statements are dropped beyond <see cref="Capacity"/> per connection.
/// A connection is used by one caller at a time (the reader pool, the single writer), so a cache needs no lock.
/// </summary>
internal static class PreparedStatements
{
    public const int Capacity = 128;

    private static readonly ConditionalWeakTable<SqliteConnection, Cache> Caches = new();

    public static SqliteDataReader ExecuteReader(SqliteCommand built) => Twin(built).ExecuteReader();

    public static object? ExecuteScalar(SqliteCommand built) => Twin(built).ExecuteScalar();

    private static SqliteCommand Twin(SqliteCommand built)
    {
        var connection = built.Connection ?? throw new InvalidOperationException("The command has no connection");
        var prepared = Caches.GetValue(connection, _ => new Cache()).For(connection, built);
        prepared.Transaction = built.Transaction;
        for (var i = 0; i < built.Parameters.Count; i++) prepared.Parameters[i].Value = built.Parameters[i].Value;
        return prepared;
    }

    private sealed class Cache
    {
        private readonly Dictionary<string, LinkedListNode<SqliteCommand>> _byText = new(StringComparer.Ordinal);
        private readonly LinkedList<SqliteCommand> _recent = new();

        public SqliteCommand For(SqliteConnection connection, SqliteCommand built)
        {
            if (_byText.TryGetValue(built.CommandText, out var node))
            {
                _recent.Remove(node);
                _recent.AddFirst(node);
                return node.Value;
            }
            var command = connection.CreateCommand();
            command.CommandText = built.CommandText;
            foreach (SqliteParameter p in built.Parameters) command.Parameters.Add(new SqliteParameter(p.ParameterName, null));
            _byText[command.CommandText] = _recent.AddFirst(command);
            if (_recent.Count > Capacity)
            {
                var oldest = _recent.Last!;
                _recent.RemoveLast();
                _byText.Remove(oldest.Value.CommandText);
                oldest.Value.Dispose();
            }
            return command;
        }
    }
}
