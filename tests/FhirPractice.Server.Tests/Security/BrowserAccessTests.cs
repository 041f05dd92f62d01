using System.Net;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests.Security;

/// <summary>
/// CORS for browser apps from another origin (the CapabilityStatement says <c>cors: true</c>): the FHIR API and the token
/// endpoints answer preflights and cross-origin calls, without credentials; the sign-in pages do not; an origin outside
/// a configured list is not let in.
/// </summary>
public sealed class BrowserAccessTests(SmartServerFactory server) : IClassFixture<SmartServerFactory>
{
    private const string App = "https://app.example";

    private static HttpRequestMessage Preflight(string url, string method, string headers) => new(HttpMethod.Options, url)
    {
        Headers = { { "Origin", App }, { "Access-Control-Request-Method", method }, { "Access-Control-Request-Headers", headers } },
    };

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    [Theory]
    [InlineData("/fhir/Patient", "POST", "authorization,content-type,prefer")]
    [InlineData("/fhir/Patient/1", "DELETE", "authorization,if-match")]
    [InlineData("/auth/token", "POST", "content-type")]
    [InlineData("/auth/revoke", "POST", "content-type")]
    public async Task A_preflight_is_answered_before_authentication(string url, string method, string headers)
    {
        var response = await server.CreateClient().SendAsync(Preflight(url, method, headers));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains(method, Header(response, "Access-Control-Allow-Methods"));
        foreach (var header in headers.Split(',')) Assert.Contains(header, Header(response, "Access-Control-Allow-Headers"), StringComparison.OrdinalIgnoreCase);
        Assert.Null(Header(response, "Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task Answers_to_another_origin_carry_the_headers_a_client_reads()
    {
        var client = server.CreateClient();
        var metadata = new HttpRequestMessage(HttpMethod.Get, "/fhir/metadata") { Headers = { { "Origin", App } } };
        var answer = await client.SendAsync(metadata);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("*", Header(answer, "Access-Control-Allow-Origin"));
        Assert.Contains("Location", Header(answer, "Access-Control-Expose-Headers"));
        Assert.Contains("WWW-Authenticate", Header(answer, "Access-Control-Expose-Headers"));

        // A refused token request: the app can read why.
        var token = new HttpRequestMessage(HttpMethod.Post, "/auth/token")
        {
            Headers = { { "Origin", App } },
            Content = new FormUrlEncodedContent([new("grant_type", "authorization_code"), new("code", "not-a-code"), new("client_id", "app")]),
        };
        var refused = await client.SendAsync(token);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("*", Header(refused, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task The_sign_in_page_is_not_open_to_other_origins()
    {
        var response = await server.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Get, "/auth/login") { Headers = { { "Origin", App } } });

        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Only_the_configured_origins_are_let_in()
    {
        using var database = new TemporaryDatabase();
        using var narrowed = new RestartableServerFactory(database.Path, ("FhirPractice:Http:CorsOrigins:0", App));
        var client = narrowed.CreateClient();

        var allowed = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/fhir/metadata") { Headers = { { "Origin", App } } });
        var other = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/fhir/metadata") { Headers = { { "Origin", "https://elsewhere.example" } } });

        Assert.Equal(App, Header(allowed, "Access-Control-Allow-Origin"));
        Assert.Null(Header(other, "Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode); // not a refusal: the browser keeps the answer from the page
    }
}
