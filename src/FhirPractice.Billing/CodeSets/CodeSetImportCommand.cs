using Microsoft.Extensions.DependencyInjection;

namespace FhirPractice.Billing.CodeSets;

/// <summary>
/// <c>dotnet run --project src/FhirPractice.Server -- codesets import FOLDER</c>: stores the code-set files of a folder
/// (the names <see cref="CodeSetFiles"/> knows) as CodeSystems in the configured database, without serving. Prints
/// what it wrote; exit code 0, or 1 with the file and line of the first bad line.
/// </summary>
public static class CodeSetImportCommand
{
    public static bool IsRequested(string[] args) => args is ["codesets", "import", _, ..];

    public static async Task<int> RunAsync(IServiceProvider services, string folder, TextWriter output)
    {
        if (!Directory.Exists(folder))
        {
            await output.WriteLineAsync($"No folder {folder}");
            return 1;
        }
        var import = services.GetRequiredService<CodeSetImport>();
        try
        {
            await import.StartAsync(CancellationToken.None);
            foreach (var (release, written) in await import.ImportAsync(CodeSetFiles.Available(folder), CancellationToken.None))
                await output.WriteLineAsync($"{CodeSystemResource.Names[release.System]} FY{release.FiscalYear}: {release.Entries.Count} codes {(written ? "stored" : "already stored")}");
            return 0;
        }
        catch (FormatException e)
        {
            await output.WriteLineAsync("Import refused: " + e.Message);
            return 1;
        }
    }
}
