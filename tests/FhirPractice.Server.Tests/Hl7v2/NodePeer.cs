using System.Diagnostics;
using System.Text.Json.Nodes;

namespace FhirPractice.Server.Tests.Hl7v2;

/// <summary>
/// A script of tests/hl7-peer run with node (<see cref="NodePeerFactAttribute"/> says when it can): each line it prints
/// is a JSON object, read as they come.
/// </summary>
public sealed class NodePeer : IDisposable
{
    private readonly Process _process;
    private readonly List<JsonNode> _lines = [];
    private readonly Task _reading;
    private readonly Task<string> _errors;

    private NodePeer(string script, string[] arguments)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = NodePeerFactAttribute.PeerFolder!, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        _process = Process.Start(start)!;
        _errors = _process.StandardError.ReadToEndAsync();
        _reading = Task.Run(async () =>
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
                if (line.Length > 0) lock (_lines) _lines.Add(JsonNode.Parse(line)!);
        });
    }

    public static NodePeer Start(string script, params string[] arguments) => new(script, arguments);

    /// <summary>Waits for the first line (a listener saying it listens).</summary>
    public async Task<JsonNode> FirstLineAsync()
    {
        for (var waited = 0; waited < 30_000; waited += 50)
        {
            lock (_lines) if (_lines.Count > 0) return _lines[0];
            if (_process.HasExited) break;
            await Task.Delay(50);
        }
        throw new InvalidOperationException($"the peer printed nothing: {await ErrorsAsync()}");
    }

    /// <summary>Waits for the script to end (90 s at most) and returns every line it printed; it must end well.</summary>
    public async Task<List<JsonNode>> ExitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try { await _process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { _process.Kill(); throw; }
        await _reading;
        Assert.True(_process.ExitCode == 0, $"the peer failed ({_process.ExitCode}): {await _errors}");
        lock (_lines) return [.. _lines];
    }

    private async Task<string> ErrorsAsync()
    {
        if (!_process.HasExited) _process.Kill();
        return await _errors;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}
