namespace FhirPractice.Server.Tests.Infrastructure;

/// <summary>
/// A database path for servers started one after another on it (<see cref="RestartableServerFactory"/>, a restart);
/// disposing it deletes the database's folder.
/// </summary>
public sealed class TemporaryDatabase : IDisposable
{
    public string Path { get; } = FhirServerFactory.NewDatabasePath();

    public void Dispose()
    {
        try { Directory.Delete(System.IO.Path.GetDirectoryName(Path)!, recursive: true); } catch (IOException) { }
    }
}
