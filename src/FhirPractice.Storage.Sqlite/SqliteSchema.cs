using FhirPractice.Fhir.Search;
using Hl7.Fhir.Model;
using Microsoft.Data.Sqlite;

namespace FhirPractice.Storage.Sqlite;

/// <summary>
/// The tables the store keeps: every version of every resource, a pointer to each current version,
/// and one index table per search parameter type holding the entries of current versions only.
/// Index tables are clustered by (parameter, value…) — the table is its own search index — and
/// name the parameter by a small integer from search_param; absent parts are stored as '' because
/// key columns cannot be NULL. The job table keeps the state of asynchronous jobs ($reindex), the outbox table the messages
/// writes cause to other systems, module_state the workflow modules' projections, the chain_head table the head of each
/// hash chain (the audit trail's). The store creates all this itself, so a fresh file is ready at first start.
/// </summary>
internal static class SqliteSchema
{
    public static readonly string[] IndexTables =
        ["idx_string", "idx_token", "idx_reference", "idx_date", "idx_number", "idx_quantity", "idx_uri", "idx_composite"];

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

        CREATE TABLE IF NOT EXISTS search_param (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);

        CREATE TABLE IF NOT EXISTS idx_string (param INTEGER NOT NULL, value TEXT NOT NULL, exact TEXT NOT NULL, rid INTEGER NOT NULL,
            PRIMARY KEY (param, value, exact, rid)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_string_rid ON idx_string(rid);

        CREATE TABLE IF NOT EXISTS idx_token (param INTEGER NOT NULL, code TEXT NOT NULL, system TEXT NOT NULL, rid INTEGER NOT NULL, text TEXT,
            PRIMARY KEY (param, code, system, rid)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_token_rid ON idx_token(rid);

        CREATE TABLE IF NOT EXISTS idx_reference (param INTEGER NOT NULL, id TEXT NOT NULL, type TEXT NOT NULL, url TEXT NOT NULL, rid INTEGER NOT NULL, version TEXT,
            PRIMARY KEY (param, id, type, url, rid)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_reference_url ON idx_reference(param, url) WHERE url <> '';
        CREATE INDEX IF NOT EXISTS ix_reference_rid ON idx_reference(rid);

        CREATE TABLE IF NOT EXISTS idx_date (param INTEGER NOT NULL, low INTEGER NOT NULL, high INTEGER NOT NULL, rid INTEGER NOT NULL,
            PRIMARY KEY (param, low, high, rid)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_date_rid ON idx_date(rid);

        CREATE TABLE IF NOT EXISTS idx_number (param INTEGER NOT NULL, value REAL NOT NULL, low REAL NOT NULL, high REAL NOT NULL, rid INTEGER NOT NULL,
            PRIMARY KEY (param, value, low, high, rid)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_number_rid ON idx_number(rid);

        CREATE TABLE IF NOT EXISTS idx_quantity (param INTEGER NOT NULL, value REAL NOT NULL, system TEXT NOT NULL, code TEXT NOT NULL, low REAL NOT NULL, high REAL NOT NULL, rid INTEGER NOT NULL,
            PRIMARY KEY (param, value, system, code, low, high, rid)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_quantity_rid ON idx_quantity(rid);

        CREATE TABLE IF NOT EXISTS idx_uri (param INTEGER NOT NULL, value TEXT NOT NULL, rid INTEGER NOT NULL,
            PRIMARY KEY (param, value, rid)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_uri_rid ON idx_uri(rid);

        -- One row per value of one part of a composite entry; elem numbers the entry within the resource, so the
        -- parts of one element (one Observation.component) are found together. The columns are named like those of
        -- the part's own table; value, low and high have no declared type, as they hold numbers, ticks or text.
        CREATE TABLE IF NOT EXISTS idx_composite (param INTEGER NOT NULL, part INTEGER NOT NULL, code TEXT NOT NULL, system TEXT NOT NULL,
            value NOT NULL, low NOT NULL, high NOT NULL, rid INTEGER NOT NULL, elem INTEGER NOT NULL,
            exact TEXT, text TEXT, type TEXT, id TEXT, url TEXT,
            PRIMARY KEY (param, part, code, system, value, low, high, rid, elem)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_composite_rid ON idx_composite(rid, elem);

        CREATE TABLE IF NOT EXISTS job (id TEXT PRIMARY KEY, kind TEXT NOT NULL, status TEXT NOT NULL, request TEXT NOT NULL,
            progress TEXT NOT NULL, created INTEGER NOT NULL, updated INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_job_status ON job(status, created);

        -- Messages to other systems, added in the transaction of the write that causes them. AUTOINCREMENT: an id is
        -- never reused, so the order of a destination's queue is the order of the ids.
        CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, destination TEXT NOT NULL, kind TEXT NOT NULL,
            resource_type TEXT NOT NULL, resource_id TEXT NOT NULL, resource_version INTEGER NOT NULL, status TEXT NOT NULL,
            attempts INTEGER NOT NULL, created INTEGER NOT NULL, updated INTEGER NOT NULL, next_attempt INTEGER, payload TEXT, last_error TEXT);
        CREATE INDEX IF NOT EXISTS ix_outbox_queue ON outbox(destination, status, id);

        -- Workflow modules' own state (projections, balances), keyed and ordered per kind; BINARY collation = ordinal order.
        CREATE TABLE IF NOT EXISTS module_state (kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
            PRIMARY KEY (kind, key)) WITHOUT ROWID;
        -- The head of each hash chain a module appends to (the audit trail), moved in the appending transaction.
        CREATE TABLE IF NOT EXISTS chain_head (chain TEXT PRIMARY KEY, sequence INTEGER NOT NULL, hash TEXT NOT NULL);
        """;

    public static void Create(SqliteConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = Ddl;
        cmd.ExecuteNonQuery();
    }

    /// <summary>The index table that holds the entries of parameters of <paramref name="type"/>.</summary>
    public static string IndexTable(SearchParamType type) => type switch
    {
        SearchParamType.String => "idx_string",
        SearchParamType.Token => "idx_token",
        SearchParamType.Reference => "idx_reference",
        SearchParamType.Date => "idx_date",
        SearchParamType.Number => "idx_number",
        SearchParamType.Quantity => "idx_quantity",
        SearchParamType.Uri => "idx_uri",
        SearchParamType.Composite => "idx_composite",
        _ => throw new NotSupportedException(type.ToString()),
    };

    /// <summary>
    /// The system idx_quantity (and idx_composite) store for a UCUM quantity in canonical units, so that searches that
    /// are not canonical UCUM ones leave those extra entries out; no URI starts with a space.
    /// </summary>
    public const string CanonicalUcumSystem = " ucum-canonical";

    public static string StoredSystem(QuantityIndexEntry q) => q.Canonical ? CanonicalUcumSystem : q.System ?? "";

    /// <summary>Index entries of common parameters (_tag, _profile…) are filed under their code alone, so system search finds them across types.</summary>
    public static string ParamKey(string type, string code) => code.StartsWith('_') ? code : type + "." + code;
}
