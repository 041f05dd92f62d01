using System.Net;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests.Hl7v2Outbound;

public sealed class NoDestinationTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    [Fact]
    public async System.Threading.Tasks.Task Without_destinations_writes_queue_nothing()
    {
        await server.Client.PutNewAsync("Patient", FhirHttp.Unique(), "\"name\":[{\"family\":\"Nobody\"}]");
        var response = await server.Client.GetAsync("$hl7v2-outbound");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty((await response.JsonAsync())["messages"]!.AsArray());
    }
}
