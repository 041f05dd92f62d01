using System.Net;
using FhirPractice.Server.Hosting;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests.Security;

/// <summary>Open mode answers without a token, and only on loopback.</summary>
public sealed class OpenModeTests
{
    private sealed class ExposedOpenServer : FhirServerFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Urls", "http://0.0.0.0:8080")];

        // It never starts, so it answered nothing to audit.
        protected override bool ChecksAuditTrail => false;
    }

    [Fact]
    public void Open_mode_refuses_to_start_on_a_non_loopback_address()
    {
        using var server = new ExposedOpenServer();
        var refusal = Assert.ThrowsAny<Exception>(() => server.Client);
        Assert.Contains("loopback", (refusal.InnerException ?? refusal).Message + refusal.Message);
    }

    [Fact]
    public async Task Open_mode_on_loopback_answers_without_a_token()
    {
        using var server = new FhirServerFactory();
        Assert.Equal(HttpStatusCode.NotFound, (await server.Client.GetAsync("Patient/none")).StatusCode);
    }

    [Theory]
    [InlineData("http://localhost:8080", true)]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("https://LOCALHOST:443", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://[::]:8080", false)]
    [InlineData("http://*:8080", false)]
    [InlineData("http://+:8080", false)]
    [InlineData("http://192.168.1.10:8080", false)]
    [InlineData("http://fhir.example.org:8080", false)]
    public void Loopback_addresses_are_told_apart(string url, bool loopback) => Assert.Equal(loopback, OpenModeGuard.IsLoopback(url));
}
