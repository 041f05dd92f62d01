using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FhirPractice.Server.Tests.Infrastructure;

/// <summary>
/// The real server pipeline in memory, on a fresh SQLite file per factory. Tests talk to it over
/// HTTP through <see cref="Client"/>; the base URL of the FHIR API is <see cref="BaseUrl"/>.
/// </summary>
public class FhirServerFactory : WebApplicationFactory<Program>
{
    public string DatabasePath { get; } = Path.Combine(Path.GetTempPath(), "fhirpractice-tests", Guid.NewGuid().ToString("N"), "fhir.db");
    public const string BaseUrl = "http://localhost/fhir";

    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings() => [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("FhirPractice:Sqlite:Path", DatabasePath);
        builder.UseSetting("FhirPractice:Sqlite:Synchronous", "NORMAL");
        // Many servers run in one test process: load the validator only where a test validates.
        builder.UseSetting("FhirPractice:Validation:WarmUpAtStart", "false");
        foreach (var (key, value) in Settings()) builder.UseSetting(key, value);
    }

    private HttpClient? _client;
    public HttpClient Client => _client ??= CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost/fhir/"), AllowAutoRedirect = false });

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/fhir+json");

    public static StringContent Xml(string xml) => new(xml, Encoding.UTF8, "application/fhir+xml");

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try { Directory.Delete(Path.GetDirectoryName(DatabasePath)!, recursive: true); } catch (IOException) { }
    }
}
