using System.Diagnostics;
using System.Text.Json.Nodes;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests.Hl7v2;

/// <summary>
/// A real MLLP peer nobody here wrote: @medplum/hl7's client (tests/hl7-peer, installed by .ci/run with
/// npm ci) sends ADT, SIU and ORU; the ACKs must be AA and the test mapper's resources readable over FHIR.
/// Skipped, saying why, when node or the installed peer is missing.
/// </summary>
public class PeerInteropTests(MappedMllpServerFactory server) : IClassFixture<MappedMllpServerFactory>
{
    [NodePeerFact]
    public async Task Medplum_hl7_client_gets_AA_for_adt_siu_and_oru_and_the_resources_appear()
    {
        var id = FhirHttp.Unique();
        var lines = await RunPeerAsync("127.0.0.1", server.Started().MllpPort.ToString(), id);

        Assert.Equal(["ADT^A01", "SIU^S12", "ORU^R01"], lines.Select(l => (string?)l["sent"]));
        var acks = lines.Select(l => V2.Parse(V2.Bytes((string)l["ack"]!))).ToList();
        Assert.All(acks, ack => Assert.Equal("AA", ack.Get("MSA-1")));
        Assert.Equal([$"ADT{id}", $"SIU{id}", $"ORU{id}"], acks.Select(a => a.Get("MSA-2")));

        // Mapped by the server's own mappings: PID-3's assigning authority PEER becomes the identifier system.
        Assert.Equal(1, await CountAsync($"Patient?identifier=urn:fhirpractice:v2:authority:PEER|MRN{id}"));
        Assert.Equal(1, await CountAsync($"Appointment?patient.identifier=MRN{id}"));
        Assert.Equal(2, await CountAsync($"Observation?code=http://loinc.org|718-7,http://loinc.org|4544-3&subject.identifier=MRN{id}"));
    }

    private async Task<int> CountAsync(string search)
    {
        var bundle = await (await server.Client.GetAsync(search)).JsonAsync();
        return bundle["entry"]?.AsArray().Count ?? 0;
    }

    private static async Task<List<JsonNode>> RunPeerAsync(params string[] arguments)
    {
        using var peer = NodePeer.Start("send.mjs", arguments);
        return await peer.ExitAsync();
    }
}

/// <summary>A fact that is skipped, saying why, when node or the installed peer (tests/hl7-peer/node_modules) is missing.</summary>
public sealed class NodePeerFactAttribute : FactAttribute
{
    /// <summary>tests/hl7-peer, found by walking up from the test binaries; null when not found.</summary>
    public static string? PeerFolder { get; } = FindPeerFolder();

    public NodePeerFactAttribute()
    {
        if (PeerFolder is null) Skip = "tests/hl7-peer not found above the test binaries";
        else if (!Directory.Exists(Path.Combine(PeerFolder, "node_modules", "@medplum", "hl7")))
            Skip = "the MLLP peer is not installed: run `npm ci` in tests/hl7-peer (.ci/run does)";
        else if (!NodeRuns()) Skip = "node is not installed (apt-get install -y nodejs npm; .ci/run does)";
    }

    private static string? FindPeerFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "tests", "hl7-peer", "package.json"))) return Path.Combine(dir.FullName, "tests", "hl7-peer");
        return null;
    }

    private static bool NodeRuns()
    {
        try
        {
            using var node = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true });
            return node!.WaitForExit(10_000) && node.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }
}
