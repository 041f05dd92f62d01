using FhirPractice.Fhir.Storage;
using Microsoft.Data.Sqlite;

namespace FhirPractice.Storage.Sqlite;

/// <summary>Reads and writes the job table: one row per asynchronous job, its status and its JSON request and progress.</summary>
internal static class SqliteJobs
{
    private const string Columns = "id, kind, status, request, progress, created, updated";

    public static JobRecord? Read(SqliteConnection connection, SqliteTransaction? transaction, string id)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = $"SELECT {Columns} FROM job WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        return ReadAll(cmd).FirstOrDefault();
    }

    public static IReadOnlyList<JobRecord> Unfinished(SqliteConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT {Columns} FROM job WHERE status = $status ORDER BY created, id";
        cmd.Parameters.AddWithValue("$status", nameof(JobStatus.Running));
        return ReadAll(cmd);
    }

    public static void Save(SqliteConnection connection, SqliteTransaction? transaction, JobRecord job)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = $"INSERT OR REPLACE INTO job ({Columns}) VALUES ($id, $kind, $status, $request, $progress, $created, $updated)";
        cmd.Parameters.AddWithValue("$id", job.Id);
        cmd.Parameters.AddWithValue("$kind", job.Kind);
        cmd.Parameters.AddWithValue("$status", job.Status.ToString());
        cmd.Parameters.AddWithValue("$request", job.Request);
        cmd.Parameters.AddWithValue("$progress", job.Progress);
        cmd.Parameters.AddWithValue("$created", job.Created.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$updated", job.Updated.ToUnixTimeMilliseconds());
        cmd.ExecuteNonQuery();
    }

    private static List<JobRecord> ReadAll(SqliteCommand cmd)
    {
        var jobs = new List<JobRecord>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
            jobs.Add(new JobRecord(r.GetString(0), r.GetString(1), Enum.Parse<JobStatus>(r.GetString(2)), r.GetString(3), r.GetString(4),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6))));
        return jobs;
    }
}
