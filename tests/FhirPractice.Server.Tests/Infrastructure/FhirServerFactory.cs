using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FhirPractice.Server.Tests.Infrastructure;

/// <summary>
/// The real server pipeline in memory, on a fresh SQLite file per factory. Tests talk to it over
/// HTTP through <see cref="Client"/>; the base URL of the FHIR API is <see cref="BaseUrl"/>.
/// </summary>
public class FhirServerFactory : WebApplicationFactory<Program>
{
    public string DatabasePath { get; }
    public const string BaseUrl = "http://localhost/fhir";
    private readonly bool _ownsDatabase;

    public FhirServerFactory() : this(NewDatabasePath(), ownsDatabase: true) { }

    /// <param name="ownsDatabase">Whether disposing the factory deletes the database's folder; false for a database several servers open in turn.</param>
    protected FhirServerFactory(string databasePath, bool ownsDatabase)
    {
        DatabasePath = databasePath;
        _ownsDatabase = ownsDatabase;
    }

    public static string NewDatabasePath() => Path.Combine(Path.GetTempPath(), "fhirpractice-tests", Guid.NewGuid().ToString("N"), "fhir.db");

    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings() => [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("FhirPractice:Sqlite:Path", DatabasePath);
        builder.UseSetting("FhirPractice:Sqlite:Synchronous", "NORMAL");
        // Many servers run in one test process: load the validator only where a test validates.
        builder.UseSetting("FhirPractice:Validation:WarmUpAtStart", "false");
        // The HTTP tests call without tokens: open mode (the in-memory test server binds no address); the security
        // tests turn it off.
        builder.UseSetting("FhirPractice:Security:OpenMode", "true");
        foreach (var (key, value) in Settings()) builder.UseSetting(key, value);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(Audited = new AuditedRequests()));
    }

    /// <summary>The requests this server answered, for the audit check at dispose; null until it started.</summary>
    public AuditedRequests? Audited { get; private set; }

    /// <summary>Whether disposing checks that every request left a conforming AuditEvent and the chain is intact (off for tests that tamper with it).</summary>
    protected virtual bool ChecksAuditTrail => true;

    private HttpClient? _client;
    public HttpClient Client => _client ??= CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost/fhir/"), AllowAutoRedirect = false });

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/fhir+json");

    public static StringContent Xml(string xml) => new(xml, Encoding.UTF8, "application/fhir+xml");

    /// <summary>Where failed audit checks are written, beside the test assembly.</summary>
    public const string AuditCheckReport = "audit-check-failures.txt";

    /// <summary>xUnit disposes fixtures asynchronously; the check needs the host's services, so it runs before they go.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (ChecksAuditTrail && Audited is { } audited)
        {
            Audited = null;
            var problems = await audited.CheckAsync(Services);
            if (problems.Count > 0)
            {
                await base.DisposeAsync();
                var report = $"The audit trail of {audited.Requests.Count} requests is wrong:\n" + string.Join("\n", problems.Take(20));
                // The runner shows a fixture's clean-up failure by its exception type only; .ci/run prints this file.
                await File.AppendAllTextAsync(Path.Combine(AppContext.BaseDirectory, AuditCheckReport), report + "\n");
                throw new InvalidOperationException(report);
            }
        }
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!_ownsDatabase) return;
        try { Directory.Delete(Path.GetDirectoryName(DatabasePath)!, recursive: true); } catch (IOException) { }
    }
}
