using System.Net;
using FhirPractice.Security.Enforcement;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FhirPractice.Server.Hosting;

/// <summary>
/// Open mode serves requests without a token, so it is for a developer's own machine only: the server refuses to start
/// with it unless every address it is configured to listen on (Urls / ASPNETCORE_URLS, HTTP_PORTS and HTTPS_PORTS, the
/// Kestrel:Endpoints section) is a loopback address — checked before Kestrel binds — and checks the addresses it
/// actually bound once started.
/// </summary>
public sealed class OpenModeGuard(SmartEnforcementOptions options, IConfiguration config, IServer server) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (options.OpenMode) Refuse(ConfiguredUrls(config));
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (options.OpenMode && server.Features.Get<IServerAddressesFeature>() is { } bound) Refuse(bound.Addresses);
        return Task.CompletedTask;
    }

    /// <summary>Where the configuration tells Kestrel to listen; ports alone (HTTP_PORTS) mean every interface.</summary>
    public static IEnumerable<string> ConfiguredUrls(IConfiguration config)
    {
        foreach (var url in (config["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            yield return url;
        foreach (var (key, scheme) in new[] { ("http_ports", "http"), ("https_ports", "https") })
            foreach (var port in (config[key] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                yield return $"{scheme}://*:{port}";
        foreach (var endpoint in config.GetSection("Kestrel:Endpoints").GetChildren())
            if (endpoint["Url"] is { Length: > 0 } url) yield return url;
    }

    /// <summary>Whether a listen URL binds loopback only: localhost or a loopback IP; wildcards and other names do not.</summary>
    public static bool IsLoopback(string url)
    {
        string host;
        try { host = BindingAddress.Parse(url).Host; }
        catch (FormatException) { return false; }
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }

    private static void Refuse(IEnumerable<string> urls)
    {
        if (urls.FirstOrDefault(u => !IsLoopback(u)) is { } exposed)
            throw new InvalidOperationException(
                $"FhirPractice:Security:OpenMode is on, but the server would listen on {exposed}: open mode serves requests without a token and is " +
                "allowed on loopback addresses only (localhost, 127.0.0.1, [::1]). Turn open mode off or bind to loopback.");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
