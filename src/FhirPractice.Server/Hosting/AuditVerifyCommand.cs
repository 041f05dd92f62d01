using FhirPractice.Security.Audit;

namespace FhirPractice.Server.Hosting;

/// <summary>
/// <c>dotnet run --project src/FhirPractice.Server -- audit verify</c>: checks the audit trail's hash chain in the
/// configured database without serving requests. Prints the verdict; exit code 0 when intact, 1 when not.
/// </summary>
public static class AuditVerifyCommand
{
    public static bool IsRequested(string[] args) => args is ["audit", "verify", ..];

    public static async Task<int> RunAsync(IServiceProvider services, TextWriter output)
    {
        var report = await services.GetRequiredService<ChainVerifier>().VerifyAsync();
        if (report.Intact)
        {
            await output.WriteLineAsync($"Audit chain intact: {report.Checked} events checked, head at number {report.Head}.");
            return 0;
        }
        await output.WriteLineAsync($"Audit chain BROKEN after checking {report.Checked} events (head at number {report.Head}).");
        await output.WriteLineAsync($"First bad: {(report.FirstBadId is { } id ? "AuditEvent/" + id : "(missing)")} number {report.FirstBadSequence}: {report.Problem}");
        return 1;
    }
}
