using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FhirPractice.Fhir.Storage;
using FhirPractice.Security.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Server.Tests.Infrastructure;

/// <summary>
/// Every request a test server answered under the FHIR base (the HL7 v2 staff endpoints included), so that when the server is disposed <see cref="CheckAsync"/> can hold the audit trail to it: each
/// request has an AuditEvent carrying its request id, a failed one an AuditEvent with a failure outcome, every
/// AuditEvent meets <see cref="BalpRules"/>, and the hash chain is intact. Every server-level test thus checks the audit.
/// </summary>
public sealed class AuditedRequests : IStartupFilter
{
    private readonly ConcurrentQueue<(string Id, string Method, string Path, int Status)> _requests = new();

    public IReadOnlyCollection<(string Id, string Method, string Path, int Status)> Requests => _requests;

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (HttpContext http, Func<System.Threading.Tasks.Task> inner) =>
        {
            await inner();
            var path = http.Request.Path.Value ?? "";
            // The public SMART discovery document is no interaction and names no one (README, "Not yet done"); nor is a
            // browser's CORS preflight, answered before the engine.
            var preflight = HttpMethods.IsOptions(http.Request.Method) && http.Request.Headers.ContainsKey("Access-Control-Request-Method");
            if (path.StartsWith("/fhir", StringComparison.Ordinal) && !preflight
                && !path.EndsWith("/.well-known/smart-configuration", StringComparison.Ordinal) && !http.RequestAborted.IsCancellationRequested)
                _requests.Enqueue((http.Request.Headers["X-Request-Id"] is [{ Length: > 0 } id] ? id : http.TraceIdentifier, http.Request.Method, path, http.Response.StatusCode));
        });
        next(app);
    };

    /// <summary>What is wrong with the audit trail of these requests; empty when nothing is.</summary>
    public async Task<IReadOnlyList<string>> CheckAsync(IServiceProvider services)
    {
        var problems = new List<string>();
        var store = services.GetRequiredService<IResourceStore>();
        var byRequest = new Dictionary<string, List<JsonNode>>();
        long? before = null;
        do
        {
            var page = await store.HistoryAsync(new HistoryQuery("AuditEvent", null, null, null, 1000, before));
            foreach (var record in page.Entries.Where(r => !r.Deleted))
            {
                var e = JsonNode.Parse(record.Json.Span)!;
                if (e["extension"] is null) continue; // written by a client, not by the server's trail
                foreach (var v in BalpRules.Violations(e)) problems.Add($"AuditEvent/{record.Id}: {v}");
                if (BalpRules.RequestId(e) is { } id) (byRequest.TryGetValue(id, out var list) ? list : byRequest[id] = []).Add(e);
            }
            before = page.Next;
        } while (before is not null);
        foreach (var (id, method, path, status) in Requests)
        {
            if (!byRequest.TryGetValue(id, out var events)) { problems.Add($"{method} {path} ({status}) has no AuditEvent"); continue; }
            if (status >= 400 && !events.Any(e => (string?)e["outcome"] != "0")) problems.Add($"{method} {path} failed ({status}) but no AuditEvent says so");
            if (status < 400 && events.All(e => (string?)e["outcome"] != "0")) problems.Add($"{method} {path} succeeded ({status}) but every AuditEvent says it failed");
        }
        var chain = await services.GetRequiredService<ChainVerifier>().VerifyAsync();
        if (!chain.Intact) problems.Add($"audit chain: {chain.Problem}");
        return problems;
    }
}
