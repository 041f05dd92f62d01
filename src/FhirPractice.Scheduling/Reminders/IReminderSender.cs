namespace FhirPractice.Scheduling.Reminders;

/// <summary>One reminder to deliver: the Communication recording it, whom it is for, and its text.</summary>
/// <param name="Id">The reminder's identifier (appointment, offset, start): stable, for a sender that deduplicates.</param>
/// <param name="Redelivery">
/// Handed over again because its delivery was interrupted (a crash or a stop between recording the reminder and
/// recording its outcome): it may already have been delivered. A sender that can tell by <paramref name="Id"/> (its
/// own record, a gateway's idempotency key) delivers it only if not; one that cannot should not deliver it.
/// </param>
public sealed record Reminder(string Id, string Communication, string Appointment, string Patient, DateTimeOffset Start, string Text,
    [property: System.Text.Json.Serialization.JsonIgnore] bool Redelivery = false);

/// <summary>Delivers reminders (SMS, e-mail, a patient portal); replace the default file sender in the service collection.</summary>
public interface IReminderSender
{
    /// <summary>Delivers the reminder, or returns without delivering a <see cref="Reminder.Redelivery"/> already delivered; throws when it cannot deliver.</summary>
    Task SendAsync(Reminder reminder, CancellationToken ct);
}
