using System.Text.Json;

namespace FhirPractice.Scheduling.Reminders;

/// <summary>
/// The default sender: appends each reminder as a JSON line to <see cref="SchedulingOptions.ReminderFile"/> (beside
/// the database) for a gateway to pick up. Reminders carry PHI, so they go to this file and never to the logs.
/// </summary>
public sealed class FileReminderSender(SchedulingOptions options) : IReminderSender
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task SendAsync(Reminder reminder, CancellationToken ct)
    {
        var path = options.ReminderFile ?? throw new InvalidOperationException("FhirPractice:Scheduling:ReminderFile is not set");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await _gate.WaitAsync(ct);
        try { await File.AppendAllTextAsync(path, JsonSerializer.Serialize(reminder) + "\n", ct); }
        finally { _gate.Release(); }
    }
}
