using System.Diagnostics;
using System.Text.Json.Nodes;
using FhirPractice.Fhir.Tests;

namespace FhirPractice.Server.Tests.Billing;

/// <summary>
/// node-x12 (tests/x12-peer), an X12 parser nobody here wrote, reading a file in strict mode (it checks the
/// envelope counts itself) and printing what it found as JSON.
/// </summary>
public static class X12Peer
{
    public static string? Folder { get; } = Find();

    public static async Task<JsonNode> ReadAsync(string file)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = Folder!, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("read.mjs");
        start.ArgumentList.Add(file);
        using var peer = Process.Start(start)!;
        var output = peer.StandardOutput.ReadToEndAsync();
        var errors = peer.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try { await peer.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { peer.Kill(); throw; }
        Assert.True(peer.ExitCode == 0, $"node-x12 refused the file ({peer.ExitCode}): {await errors}");
        return JsonNode.Parse(await output)!;
    }

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "tests", "x12-peer", "package.json"))) return Path.Combine(dir.FullName, "tests", "x12-peer");
        return null;
    }

    public static string? Missing()
    {
        if (Folder is null) return "tests/x12-peer not found above the test binaries";
        if (!Directory.Exists(Path.Combine(Folder, "node_modules", "node-x12"))) return "node-x12 is not installed: run `npm ci` in tests/x12-peer (.ci/run does)";
        try
        {
            using var node = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true });
            return node!.WaitForExit(10_000) && node.ExitCode == 0 ? null : "node does not run";
        }
        catch (System.ComponentModel.Win32Exception) { return "node is not installed (apt-get install -y nodejs npm; .ci/run does)"; }
    }
}

/// <summary>A fact that needs the Synthea bundles and node-x12; skipped, saying which is missing, otherwise.</summary>
public sealed class SyntheaX12FactAttribute : FactAttribute
{
    public const string Synthea = "synthea-r4/bundles";

    public SyntheaX12FactAttribute()
    {
        if (Corpus.Find(Synthea) is null) Skip = Corpus.SkipReason(Synthea);
        else if (X12Peer.Missing() is { } reason) Skip = reason;
    }
}
