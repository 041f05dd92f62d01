namespace FhirPractice.Server.Tests.Infrastructure;

/// <summary>
/// A server on a given database file, which survives the factory: create one after another on the same
/// path to test what survives a restart. The path is a <see cref="TemporaryDatabase"/>'s, which deletes the folder.
/// </summary>
public sealed class RestartableServerFactory(string databasePath, params (string Key, string Value)[] settings)
    : FhirServerFactory(databasePath, ownsDatabase: false)
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value));
}
