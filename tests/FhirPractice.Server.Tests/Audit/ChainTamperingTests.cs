using System.Net;
using System.Text.Json.Nodes;
using FhirPractice.Server.Hosting;
using FhirPractice.Server.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace FhirPractice.Server.Tests.Audit;

/// <summary>A server whose audit trail the test tampers with, so the check at dispose is off.</summary>
public sealed class TamperedServerFactory : FhirServerFactory
{
    protected override bool ChecksAuditTrail => false;
}

/// <summary>
/// Altering or removing a stored AuditEvent — its bytes edited in the SQLite file, its row deleted — is found by
/// <c>AuditEvent/$verify-chain</c> and by the <c>audit verify</c> command, which both name the first bad event.
/// </summary>
public sealed class ChainTamperingTests
{
    private static async Task<JsonNode> VerifyAsync(HttpClient client)
    {
        var response = await client.GetAsync("AuditEvent/$verify-chain");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private static JsonNode? Parameter(JsonNode parameters, string name) =>
        parameters["parameter"]!.AsArray().FirstOrDefault(p => (string?)p!["name"] == name);

    /// <summary>Ten interactions, then the chained AuditEvents' ids in chain order with their row ids.</summary>
    private static async Task<List<(long Rid, string Id)>> SomeEventsAsync(FhirServerFactory server)
    {
        for (var i = 0; i < 5; i++)
        {
            var id = (await server.Client.CreateAsync("""{"resourceType":"Patient","active":true}""")).Split('/')[1];
            await server.Client.GetAsync($"Patient/{id}");
        }
        using var db = Open(server);
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT rid, id FROM resource_version WHERE type = 'AuditEvent' ORDER BY rid";
        using var reader = cmd.ExecuteReader();
        var rows = new List<(long, string)>();
        while (reader.Read()) rows.Add((reader.GetInt64(0), reader.GetString(1)));
        return rows;
    }

    private static SqliteConnection Open(FhirServerFactory server)
    {
        var db = new SqliteConnection($"Data Source={server.DatabasePath};Pooling=False");
        db.Open();
        using var wait = db.CreateCommand();
        wait.CommandText = "PRAGMA busy_timeout = 5000";
        wait.ExecuteNonQuery();
        return db;
    }

    private static void Execute(FhirServerFactory server, string sql, long rid)
    {
        using var db = Open(server);
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$rid", rid);
        Assert.Equal(1, cmd.ExecuteNonQuery());
    }

    private static async Task<(int Code, string Output)> CommandAsync(FhirServerFactory server)
    {
        var output = new StringWriter();
        var code = await AuditVerifyCommand.RunAsync(server.Services, output);
        return (code, output.ToString());
    }

    [Fact]
    public async Task An_untouched_chain_is_intact_for_the_operation_and_the_command()
    {
        await using var server = new TamperedServerFactory();
        var events = await SomeEventsAsync(server);
        var verdict = await VerifyAsync(server.Client);
        Assert.True((bool)Parameter(verdict, "intact")!["valueBoolean"]!);
        Assert.True((int)Parameter(verdict, "checked")!["valueInteger"]! >= events.Count);
        Assert.Null(Parameter(verdict, "firstBad"));
        var (code, output) = await CommandAsync(server);
        Assert.Equal(0, code);
        Assert.Contains("intact", output);
    }

    [Fact]
    public async Task Editing_the_bytes_of_one_stored_AuditEvent_is_found_and_named()
    {
        await using var server = new TamperedServerFactory();
        var events = await SomeEventsAsync(server);
        var victim = events[4];
        // An outcome turned from success into failure, without touching anything else.
        Execute(server, "UPDATE resource_version SET json = CAST(replace(CAST(json AS TEXT), '\"outcome\":\"0\"', '\"outcome\":\"4\"') AS BLOB) WHERE rid = $rid", victim.Rid);

        var verdict = await VerifyAsync(server.Client);
        Assert.False((bool)Parameter(verdict, "intact")!["valueBoolean"]!);
        Assert.Equal($"AuditEvent/{victim.Id}", (string?)Parameter(verdict, "firstBad")!["valueReference"]!["reference"]);
        Assert.Contains("altered", (string?)Parameter(verdict, "problem")!["valueString"]);
        var (code, output) = await CommandAsync(server);
        Assert.Equal(1, code);
        Assert.Contains($"AuditEvent/{victim.Id}", output);
    }

    [Fact]
    public async Task Deleting_one_stored_AuditEvent_is_found_and_its_successor_named()
    {
        await using var server = new TamperedServerFactory();
        var events = await SomeEventsAsync(server);
        var (victim, successor) = (events[3], events[4]);
        Execute(server, "DELETE FROM resource_version WHERE rid = $rid", victim.Rid);

        var verdict = await VerifyAsync(server.Client);
        Assert.False((bool)Parameter(verdict, "intact")!["valueBoolean"]!);
        Assert.Equal($"AuditEvent/{successor.Id}", (string?)Parameter(verdict, "firstBad")!["valueReference"]!["reference"]);
        Assert.Contains("removed", (string?)Parameter(verdict, "problem")!["valueString"]);
        var (code, output) = await CommandAsync(server);
        Assert.Equal(1, code);
        Assert.Contains($"AuditEvent/{successor.Id}", output);
    }

    [Fact]
    public async Task Removing_the_newest_events_is_found_against_the_chain_head()
    {
        await using var server = new TamperedServerFactory();
        await SomeEventsAsync(server);
        using (var db = Open(server))
        using (var cmd = db.CreateCommand())
        {
            cmd.CommandText = "DELETE FROM resource_version WHERE rid = (SELECT MAX(rid) FROM resource_version WHERE type = 'AuditEvent')";
            Assert.Equal(1, cmd.ExecuteNonQuery());
        }
        var (code, output) = await CommandAsync(server);
        Assert.Equal(1, code);
        Assert.Contains("newest events were removed", output);
    }
}
