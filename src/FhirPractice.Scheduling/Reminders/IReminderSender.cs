namespace FhirPractice.Scheduling.Reminders;

/// <summary>One reminder to deliver: the Communication recording it, whom it is for, and its text.</summary>
/// <param name="Id">The reminder's identifier (appointment, offset, start): stable, for a sender that deduplicates.</param>
public sealed record Reminder(string Id, string Communication, string Appointment, string Patient, DateTimeOffset Start, string Text);

/// <summary>Delivers reminders (SMS, e-mail, a patient portal); replace the default file sender in the service collection.</summary>
public interface IReminderSender
{
    Task SendAsync(Reminder reminder, CancellationToken ct);
}
