using System.Text.Json;

namespace FhirPractice.Scheduling.Reminders;

/// <summary>
/// The default sender: appends each reminder as a JSON line to <see cref="SchedulingOptions.ReminderFile"/> (beside
/// the database) for a gateway to pick up. Reminders carry PHI, so they go to this file and never to the logs. A
/// redelivery is appended only when no line of the file has its id yet.
/// </summary>
public sealed class FileReminderSender(SchedulingOptions options) : IReminderSender
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task SendAsync(Reminder reminder, CancellationToken ct)
    {
        var path = options.ReminderFile ?? throw new InvalidOperationException("FhirPractice:Scheduling:ReminderFile is not set");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await _gate.WaitAsync(ct);
        try
        {
            if (reminder.Redelivery && await HasAsync(path, reminder.Id, ct)) return;
            await File.AppendAllTextAsync(path, JsonSerializer.Serialize(reminder) + "\n", ct);
        }
        finally { _gate.Release(); }
    }

    /// <summary>
    /// Whether a line of the file is the reminder with this id (redeliveries are rare: a scan is affordable). Each line
    /// starts with the id, the record's first property.
    /// </summary>
    private static async Task<bool> HasAsync(string path, string id, CancellationToken ct)
    {
        if (!File.Exists(path)) return false;
        var field = $"\"{nameof(Reminder.Id)}\":{JsonSerializer.Serialize(id)},";
        await foreach (var line in File.ReadLinesAsync(path, ct))
            if (line.StartsWith('{') && line.AsSpan(1).StartsWith(field, StringComparison.Ordinal)) return true;
        return false;
    }
}
