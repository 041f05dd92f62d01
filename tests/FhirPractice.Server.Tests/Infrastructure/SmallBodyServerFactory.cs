namespace FhirPractice.Server.Tests.Infrastructure;

/// <summary>A server with a small body limit, for the 413 tests.</summary>
public sealed class SmallBodyServerFactory : FhirServerFactory
{
    public const int MaxBodyBytes = 2048;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("FhirPractice:Http:MaxBodyBytes", MaxBodyBytes.ToString())];
}
