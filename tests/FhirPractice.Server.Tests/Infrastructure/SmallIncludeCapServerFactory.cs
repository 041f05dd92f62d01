namespace FhirPractice.Server.Tests.Infrastructure;

/// <summary>A server that includes at most <see cref="MaxIncluded"/> resources per search page, for the truncation tests.</summary>
public sealed class SmallIncludeCapServerFactory : FhirServerFactory
{
    public const int MaxIncluded = 2;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("FhirPractice:Engine:MaxIncludedResources", MaxIncluded.ToString())];
}
