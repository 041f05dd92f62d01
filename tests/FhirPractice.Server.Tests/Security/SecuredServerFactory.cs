using FhirPractice.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Server.Tests.Security;

/// <summary>
/// The server as deployed — open mode off, every request needs a token — with the test authentication scheme standing in
/// for the authorization server, and a small data set of patients <c>pa</c> (Alpha), <c>pb</c> (Beta) and <c>pc</c> (Carol, for tests that write).
/// </summary>
public sealed class SecuredServerFactory : FhirServerFactory
{
    /// <summary>Everything, AuditEvent included: to seed data and to show a query can find what a confined token must not.</summary>
    public static readonly TestToken Admin = new("system/*.* system/AuditEvent.cruds");

    private readonly Lazy<Task> _seeded;
    private readonly Dictionary<TestToken, HttpClient> _clients = [];

    public SecuredServerFactory() => _seeded = new Lazy<Task>(SeedAsync);

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("FhirPractice:Security:OpenMode", "false")];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
            services.AddAuthentication(TestTokenHandler.Scheme).AddScheme<AuthenticationSchemeOptions, TestTokenHandler>(TestTokenHandler.Scheme, null));
    }

    /// <summary>A client whose every request carries <paramref name="token"/>, on the seeded data.</summary>
    public async Task<HttpClient> ClientAsync(TestToken token)
    {
        await _seeded.Value;
        return For(token);
    }

    private HttpClient For(TestToken token)
    {
        lock (_clients)
        {
            if (_clients.TryGetValue(token, out var client)) return client;
            client = CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri(BaseUrl + "/"), AllowAutoRedirect = false });
            foreach (var (name, value) in token.Headers()) client.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
            return _clients[token] = client;
        }
    }

    private async Task SeedAsync()
    {
        var admin = For(Admin);
        async Task Put(string type, string id, string json)
        {
            var response = await admin.PutAsync($"{type}/{id}", Json($$"""{"resourceType":"{{type}}","id":"{{id}}",{{json}}}"""));
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"seeding {type}/{id}: {await response.Content.ReadAsStringAsync()}");
        }
        const string lab = """{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}""";
        const string vital = """{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}""";
        const string code = """{"coding":[{"system":"http://loinc.org","code":"1234-5"}]}""";
        await Put("Patient", "pa", """ "name":[{"family":"Alpha"}]""");
        await Put("Patient", "pb", """ "name":[{"family":"Beta"}]""");
        await Put("Patient", "pc", """ "name":[{"family":"Carol"}]""");
        await Put("Practitioner", "dr", """ "name":[{"family":"Doctor"}]""");
        await Put("Observation", "oa-lab", $$""" "status":"final","category":[{{lab}}],"code":{{code}},"subject":{"reference":"Patient/pa"},"performer":[{"reference":"Practitioner/dr"}]""");
        await Put("Observation", "oa-vital", $$""" "status":"final","category":[{{vital}}],"code":{{code}},"subject":{"reference":"Patient/pa"}""");
        // Alpha's observation that names Beta as its performer: readable by Alpha, but Beta must not leak through it.
        await Put("Observation", "oa-about-b", $$""" "status":"final","code":{{code}},"subject":{"reference":"Patient/pa"},"performer":[{"reference":"Patient/pb"}]""");
        await Put("Observation", "ob-lab", $$""" "status":"final","category":[{{lab}}],"code":{{code}},"subject":{"reference":"Patient/pb"}""");
        // Beta's observation whose focus is Alpha: focus puts it in nobody's compartment but Beta's.
        await Put("Observation", "ob-focus", $$""" "status":"final","code":{{code}},"subject":{"reference":"Patient/pb"},"focus":[{"reference":"Patient/pa"}]""");
        await Put("Condition", "ca", """ "code":{"text":"diabetes"},"subject":{"reference":"Patient/pa"}""");
        await Put("Condition", "cb", """ "code":{"text":"asthma"},"subject":{"reference":"Patient/pb"}""");
        await Put("AuditEvent", "ae1", """ "type":{"system":"http://dicom.nema.org/resources/ontology/DCM","code":"110110"},"recorded":"2024-01-01T00:00:00Z","agent":[{"requestor":true,"who":{"reference":"Practitioner/dr"}}],"source":{"observer":{"reference":"Practitioner/dr"}},"entity":[{"what":{"reference":"Patient/pa"}}]""");
    }
}
