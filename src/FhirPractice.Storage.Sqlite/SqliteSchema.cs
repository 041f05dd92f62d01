using Microsoft.Data.Sqlite;

namespace FhirPractice.Storage.Sqlite;

/// <summary>
/// The tables the store keeps: every version of every resource, a pointer to each current version,
/// and one index table per search parameter type holding the entries of current versions only.
/// The store creates them itself, so a fresh file is ready at first start.
/// </summary>
internal static class SqliteSchema
{
    public static readonly string[] IndexTables =
        ["idx_string", "idx_token", "idx_reference", "idx_date", "idx_number", "idx_quantity", "idx_uri"];

    private const string Ddl = """
        CREATE TABLE IF NOT EXISTS resource_version (
            rid          INTEGER PRIMARY KEY,
            type         TEXT    NOT NULL,
            id           TEXT    NOT NULL,
            version      INTEGER NOT NULL,
            last_updated INTEGER NOT NULL,
            method       TEXT    NOT NULL,
            deleted      INTEGER NOT NULL,
            json         BLOB
        );
        CREATE UNIQUE INDEX IF NOT EXISTS ux_version ON resource_version(type, id, version);
        CREATE INDEX IF NOT EXISTS ix_version_type ON resource_version(type, rid);
        CREATE INDEX IF NOT EXISTS ix_version_time ON resource_version(last_updated);

        CREATE TABLE IF NOT EXISTS resource_current (
            type    TEXT    NOT NULL,
            id      TEXT    NOT NULL,
            rid     INTEGER NOT NULL,
            version INTEGER NOT NULL,
            deleted INTEGER NOT NULL,
            PRIMARY KEY (type, id)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX IF NOT EXISTS ux_current_rid ON resource_current(rid);
        CREATE INDEX IF NOT EXISTS ix_current_type ON resource_current(type, deleted, rid);

        CREATE TABLE IF NOT EXISTS idx_string (rid INTEGER NOT NULL, param TEXT NOT NULL, value TEXT NOT NULL, exact TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_string ON idx_string(param, value);
        CREATE INDEX IF NOT EXISTS ix_string_rid ON idx_string(rid);

        CREATE TABLE IF NOT EXISTS idx_token (rid INTEGER NOT NULL, param TEXT NOT NULL, system TEXT, code TEXT, text TEXT);
        CREATE INDEX IF NOT EXISTS ix_token ON idx_token(param, code, system);
        CREATE INDEX IF NOT EXISTS ix_token_rid ON idx_token(rid);

        CREATE TABLE IF NOT EXISTS idx_reference (rid INTEGER NOT NULL, param TEXT NOT NULL, type TEXT, id TEXT, url TEXT, version TEXT);
        CREATE INDEX IF NOT EXISTS ix_reference ON idx_reference(param, id, type);
        CREATE INDEX IF NOT EXISTS ix_reference_url ON idx_reference(param, url);
        CREATE INDEX IF NOT EXISTS ix_reference_rid ON idx_reference(rid);

        CREATE TABLE IF NOT EXISTS idx_date (rid INTEGER NOT NULL, param TEXT NOT NULL, low INTEGER NOT NULL, high INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_date ON idx_date(param, low, high);
        CREATE INDEX IF NOT EXISTS ix_date_rid ON idx_date(rid);

        CREATE TABLE IF NOT EXISTS idx_number (rid INTEGER NOT NULL, param TEXT NOT NULL, value REAL NOT NULL, low REAL NOT NULL, high REAL NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_number ON idx_number(param, value);
        CREATE INDEX IF NOT EXISTS ix_number_rid ON idx_number(rid);

        CREATE TABLE IF NOT EXISTS idx_quantity (rid INTEGER NOT NULL, param TEXT NOT NULL, value REAL NOT NULL, low REAL NOT NULL, high REAL NOT NULL, system TEXT, code TEXT);
        CREATE INDEX IF NOT EXISTS ix_quantity ON idx_quantity(param, value);
        CREATE INDEX IF NOT EXISTS ix_quantity_rid ON idx_quantity(rid);

        CREATE TABLE IF NOT EXISTS idx_uri (rid INTEGER NOT NULL, param TEXT NOT NULL, value TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_uri ON idx_uri(param, value);
        CREATE INDEX IF NOT EXISTS ix_uri_rid ON idx_uri(rid);
        """;

    public static void Create(SqliteConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = Ddl;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Index entries of common parameters (_tag, _profile…) are filed under their code alone, so system search finds them across types.</summary>
    public static string ParamKey(string type, string code) => code.StartsWith('_') ? code : type + "." + code;
}
