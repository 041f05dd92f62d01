using System.Text.Json;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Storage;
using FhirPractice.Scheduling.Availability;

namespace FhirPractice.Scheduling.Occupancy;

/// <summary>
/// What one stored Appointment or Slot version takes: which actors, for which interval. Read straight from the
/// version's JSON (a handful of elements, no model parse), since it runs on the store's single writer.
/// </summary>
/// <param name="Actors">For an Appointment its participants (not declined, not a HealthcareService); for a Slot the actors of its Schedule.</param>
/// <param name="AwaitsArrival">A booked Appointment: it becomes a no-show when nobody checks it in.</param>
/// <param name="OfferedTo">A hold offered from the waitlist: the id of the waitlist Appointment it is offered to.</param>
public sealed record Claims(BusyInterval Interval, IReadOnlyList<string> Actors, bool Overbooked, DateTimeOffset? HoldExpires, bool AwaitsArrival = false, string? OfferedTo = null)
{
    /// <summary>Appointment statuses that take time: R4's proposed, cancelled, noshow, entered-in-error and waitlist do not.</summary>
    private static readonly HashSet<string> TakingAppointment = ["pending", "booked", "arrived", "fulfilled", "checked-in"];
    private static readonly HashSet<string> TakingSlot = ["busy", "busy-tentative", "busy-unavailable"];

    /// <summary>The claims of a version, or null when it takes no time (its status, or no start and end).</summary>
    /// <param name="scheduleActors">The actors of a Schedule, read in the same transaction.</param>
    public static Claims? Read(ResourceWrite write, Func<string, IReadOnlyList<string>> scheduleActors)
    {
        using var document = JsonDocument.Parse(write.Json);
        var root = document.RootElement;
        var status = root.TryGetProperty("status", out var s) ? s.GetString() : null;
        if (!root.TryGetProperty("start", out var startElement) || !root.TryGetProperty("end", out var endElement)) return null;
        var owner = $"{write.Type}/{write.Id}";
        var range = new TimeRange(Instant(startElement, write.Type + ".start"), Instant(endElement, write.Type + ".end"));
        if (range.End <= range.Start) throw FhirError.Unprocessable($"The {write.Type} must end after it starts", write.Type + ".end");
        if (write.Type == "Slot")
        {
            if (status is null || !TakingSlot.Contains(status)) return null;
            var schedule = root.TryGetProperty("schedule", out var sc) ? ReferenceOf(sc) : null;
            if (schedule is null) return null;
            var actors = scheduleActors(schedule);
            var overbooked = root.TryGetProperty("overbooked", out var ob) && ob.ValueKind == JsonValueKind.True;
            return new Claims(new BusyInterval(range, owner, []), actors.Count > 0 ? actors : [schedule], overbooked, null);
        }
        if (status is null || !TakingAppointment.Contains(status)) return null;
        var participants = new List<string>();
        if (root.TryGetProperty("participant", out var ps))
            foreach (var p in ps.EnumerateArray())
                if (p.TryGetProperty("actor", out var actor) && ReferenceOf(actor) is { } reference && !reference.StartsWith("HealthcareService/", StringComparison.Ordinal)
                    && !(p.TryGetProperty("status", out var ps2) && ps2.GetString() == "declined"))
                    participants.Add(reference);
        var slots = root.TryGetProperty("slot", out var sl) ? sl.EnumerateArray().Select(ReferenceOf).OfType<string>().ToList() : [];
        return new Claims(new BusyInterval(range, owner, slots), participants.Distinct().ToList(), false, status == "pending" ? HoldExpiry(root) : null,
            status == "booked", status == "pending" && ExtensionOf(root, SchedulingUrls.WaitlistEntry) is { } e && e.TryGetProperty("valueReference", out var w) && ReferenceOf(w) is { } entry
                && entry.StartsWith("Appointment/", StringComparison.Ordinal) ? entry["Appointment/".Length..] : null);
    }

    /// <summary>The actors of a stored Schedule version.</summary>
    public static IReadOnlyList<string> ScheduleActors(ReadOnlyMemory<byte> scheduleJson)
    {
        using var document = JsonDocument.Parse(scheduleJson);
        return document.RootElement.TryGetProperty("actor", out var actors)
            ? actors.EnumerateArray().Select(ReferenceOf).OfType<string>().ToList()
            : [];
    }

    /// <summary>"Type/id" of a local reference, absolute or relative, without a version.</summary>
    public static string Normalise(string reference)
    {
        var withoutVersion = reference.Split("/_history/")[0];
        var parts = withoutVersion.Split('/');
        return parts.Length >= 2 ? $"{parts[^2]}/{parts[^1]}" : withoutVersion;
    }

    private static string? ReferenceOf(JsonElement element) =>
        element.TryGetProperty("reference", out var r) && r.GetString() is { Length: > 0 } s ? Normalise(s) : null;

    private static DateTimeOffset Instant(JsonElement element, string where) =>
        DateTimeOffset.TryParse(element.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var value)
            ? value : throw FhirError.Unprocessable("Not an instant", where);

    private static DateTimeOffset? HoldExpiry(JsonElement root) =>
        ExtensionOf(root, SchedulingUrls.HoldExpires) is { } e && e.TryGetProperty("valueInstant", out var v) ? Instant(v, "Appointment.extension") : null;

    private static JsonElement? ExtensionOf(JsonElement root, string extensionUrl)
    {
        if (!root.TryGetProperty("extension", out var extensions)) return null;
        foreach (var e in extensions.EnumerateArray())
            if (e.TryGetProperty("url", out var url) && url.GetString() == extensionUrl) return e;
        return null;
    }
}
