using System.Net;
using System.Net.Http.Headers;

namespace FhirPractice.LoadHarness;

/// <summary>
/// HttpClient for the server under test. Refuses any address but loopback: this harness
/// generates load and must never point it at another machine.
/// </summary>
public static class LoopbackFhirClient
{
    public static readonly MediaTypeHeaderValue FhirJson = new("application/fhir+json");

    public static HttpClient Create(string baseUrl, int connections, TimeSpan? timeout = null)
    {
        var uri = new Uri(baseUrl.TrimEnd('/') + "/");
        if (!IPAddress.TryParse(uri.Host, out var address) || !IPAddress.IsLoopback(address))
            throw new ArgumentException($"refusing non-loopback target {uri.Host}; use 127.0.0.1");

        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        return new HttpClient(handler)
        {
            BaseAddress = uri,
            Timeout = timeout ?? TimeSpan.FromSeconds(120),
        };
    }

    public static HttpContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = FhirJson;
        return content;
    }

    /// <summary>The id from a create's Location: ".../Patient/{id}/_history/1" or ".../Patient/{id}".</summary>
    public static string? IdFromLocation(Uri? location)
    {
        if (location is null) return null;
        var segments = location.OriginalString.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var history = Array.IndexOf(segments, "_history");
        var index = history > 0 ? history - 1 : segments.Length - 1;
        return index >= 0 ? segments[index] : null;
    }
}
