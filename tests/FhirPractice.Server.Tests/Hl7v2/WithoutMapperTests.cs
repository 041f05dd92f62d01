using System.Net;
using FhirPractice.Server.Tests.Infrastructure;

namespace FhirPractice.Server.Tests.Hl7v2;

/// <summary>A server that registers no IMessageMapper still starts (MLLP off) and says why it cannot replay.</summary>
public class WithoutMapperTests(FhirServerFactory server) : IClassFixture<FhirServerFactory>
{
    [Fact]
    public async Task The_message_list_answers_and_a_replay_is_501_naming_the_missing_mapping()
    {
        var list = await server.Client.GetAsync("$hl7v2-messages");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Empty((await list.JsonAsync())["messages"]!.AsArray());

        await FhirHttp.AssertOutcomeAsync(await server.Client.PostAsync("$hl7v2-messages/1/$replay", null), HttpStatusCode.NotImplemented, "no HL7 v2 mapping");
    }
}
