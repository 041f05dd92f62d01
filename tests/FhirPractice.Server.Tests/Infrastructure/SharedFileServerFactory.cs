namespace FhirPractice.Server.Tests.Infrastructure;

/// <summary>A server on a given database file, so that a test can stop it and start another on the same data.</summary>
public sealed class SharedFileServerFactory(string path) : FhirServerFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("FhirPractice:Sqlite:Path", path)];
}
