using System.Text.Json;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using FhirPractice.Scheduling.Occupancy;

namespace FhirPractice.Scheduling.Reminders;

/// <summary>
/// Reminders are sent once, enforced by the store: a reminder Communication (identified under
/// <see cref="ReminderKeys.IdentifierSystem"/>) is only created while its reminder is due, and creating it takes the
/// due entry and marks the reminder sent in the same transaction; a second one is a 409, refused before anything of it is
/// written (so it fails alone, not with the writes committed beside it). A new Communication
/// <c>inResponseTo</c> a reminder whose text is a yes or a no is queued as a reply for the worker to apply.
/// </summary>
public sealed class ReminderWriteHook : IWriteHook
{
    public void Writing(IStoreTransaction transaction, ResourceWrite write)
    {
        if (write.Type != "Communication" || write.Deleted) return;
        using var document = JsonDocument.Parse(write.Json);
        if (ReminderIdOf(document.RootElement) is not { } reminder) return;
        if (transaction.ReadState(ReminderKeys.Sent, reminder) is { } sent)
        {
            if (sent.Value == write.Id) return; // the reminder's own Communication, updated
            throw FhirError.Conflict($"The reminder {reminder} was already sent (Communication/{sent.Value})");
        }
        if (ReminderKeys.DueKeyOf(reminder) is not { } due || transaction.ReadState(ReminderKeys.Due, due) is null)
            throw FhirError.Conflict($"The reminder {reminder} is not due: its appointment was cancelled, moved or never booked");
    }

    public void Written(IStoreTransaction transaction, ResourceWrite write)
    {
        if (write.Type != "Communication" || write.Deleted) return;
        using var document = JsonDocument.Parse(write.Json);
        var root = document.RootElement;
        if (ReminderIdOf(root) is { } reminder) RecordSent(transaction, write, reminder);
        else if (write.Version == 1 && ReplyOf(transaction, root) is { } reply)
            transaction.SaveState(new StateEntry(ReminderKeys.Reply, ReminderKeys.ReplyKey(transaction.Timestamp, write.Id), reply));
    }

    public void Committed() { }

    /// <summary>Takes the due entry and marks the reminder sent, once; <see cref="Writing"/> refused it when not due.</summary>
    private static void RecordSent(IStoreTransaction transaction, ResourceWrite write, string reminder)
    {
        if (transaction.ReadState(ReminderKeys.Sent, reminder) is not null) return; // the reminder's own Communication, updated
        transaction.DeleteState(ReminderKeys.Due, ReminderKeys.DueKeyOf(reminder)!);
        transaction.SaveState(new StateEntry(ReminderKeys.Sent, reminder, write.Id));
    }

    /// <summary>"{appointment id}|confirm" or "…|cancel" for a reply to a reminder; null for any other Communication.</summary>
    private static string? ReplyOf(IStoreTransaction transaction, JsonElement root)
    {
        if (!root.TryGetProperty("inResponseTo", out var responses)) return null;
        var answer = root.TryGetProperty("payload", out var payload)
            ? payload.EnumerateArray().Select(p => p.TryGetProperty("contentString", out var s) ? ReplyAnswers.Read(s.GetString()) : null).FirstOrDefault(a => a is not null)
            : null;
        if (answer is null) return null;
        foreach (var response in responses.EnumerateArray())
        {
            if (!response.TryGetProperty("reference", out var r) || r.GetString() is not { } reference) continue;
            var parts = Claims.Normalise(reference).Split('/');
            if (parts is not ["Communication", var id] || transaction.ReadCurrent("Communication", id) is not { Deleted: false } reminder) continue;
            using var document = JsonDocument.Parse(reminder.Json);
            if (ReminderIdOf(document.RootElement) is { } key) return $"{key[..key.IndexOf('|')]}|{answer}";
        }
        return null;
    }

    private static string? ReminderIdOf(JsonElement root)
    {
        if (!root.TryGetProperty("identifier", out var identifiers)) return null;
        foreach (var identifier in identifiers.EnumerateArray())
            if (identifier.TryGetProperty("system", out var system) && system.GetString() == ReminderKeys.IdentifierSystem
                && identifier.TryGetProperty("value", out var value))
                return value.GetString();
        return null;
    }
}
