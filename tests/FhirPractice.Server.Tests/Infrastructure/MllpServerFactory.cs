using FhirPractice.Hl7v2.Mapping;
using FhirPractice.Server.Tests.Hl7v2;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Server.Tests.Infrastructure;

/// <summary>
/// A server with MLLP on a free loopback port and the test mapper (whose <see cref="Switches"/> provoke each kind of
/// answer); <see cref="MllpPort"/> is where to send.
/// </summary>
public class MllpServerFactory : FhirServerFactory
{
    /// <summary>False: the server's own v2→FHIR mappings.</summary>
    protected virtual bool UseTestMapper => true;

    public int MllpPort { get; } = FreePorts.Next();

    public TestMapperSwitches Switches { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("FhirPractice:Hl7v2:Mllp:Port", MllpPort.ToString()), new("FhirPractice:Hl7v2:Mllp:IdleTimeoutSeconds", "30")];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (!UseTestMapper) return;
        builder.ConfigureServices(services =>
        {
            services.AddSingleton(Switches);
            services.AddSingleton<IMessageMapper, TestMessageMapper>();
        });
    }

    /// <summary>Starts the host (and with it the MLLP listener) if no request has yet.</summary>
    public MllpServerFactory Started()
    {
        _ = Services;
        return this;
    }
}

/// <summary>A server with MLLP on and its real v2→FHIR mappings.</summary>
public sealed class MappedMllpServerFactory : MllpServerFactory
{
    protected override bool UseTestMapper => false;
}
