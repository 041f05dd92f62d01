using System.Collections.Concurrent;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using FhirPractice.Scheduling.Availability;
using FhirPractice.Scheduling.Occupancy;
using Hl7.Fhir.Model;

namespace FhirPractice.Scheduling.Operations;

/// <summary>Reads the Schedules an operation names.</summary>
public sealed class ScheduleRules(AvailabilityCalculator calculator)
{
    /// <summary>
    /// The rules last read of each Schedule id, with the version they came from and the store's Schedule stamp read
    /// before the read that found it current (<see cref="IResourceStore.TypeStamp"/>): every booking reads its
    /// Schedules, and parsing one (model and RRULEs) costs more than the rest of the plan; while that stamp stays the
    /// same, no Schedule has been written since and the version is still the current one, unread. A newer version
    /// replaces the entry.
    /// </summary>
    private readonly ConcurrentDictionary<string, Parsed> _parsed = new(StringComparer.Ordinal);

    private sealed record Parsed(long Version, AvailabilityRules Rules, long? Seen);

    public AvailabilityCalculator Calculator => calculator;

    /// <summary>The rules of each named Schedule; a reference that is no current Schedule is a 422 naming <paramref name="where"/>.</summary>
    public async Task<IReadOnlyList<AvailabilityRules>> LoadAsync(IResourceStore store, IEnumerable<string> references, string where, CancellationToken ct)
    {
        var stamp = store.TypeStamp("Schedule");
        var rules = new List<AvailabilityRules>();
        foreach (var reference in references.Select(Claims.Normalise).Distinct())
        {
            var parts = reference.Split('/');
            if (parts.Length != 2 || parts[0] != "Schedule")
                throw FhirError.Unprocessable($"'{reference}' is not a reference to a Schedule", where);
            if (stamp is { } now && _parsed.TryGetValue(parts[1], out var known) && known.Seen == now)
            {
                rules.Add(known.Rules);
                continue;
            }
            var record = await store.ReadAsync("Schedule", parts[1], ct);
            if (record is null or { Deleted: true }) throw FhirError.Unprocessable($"{reference} does not exist", where);
            rules.Add(RulesOf(record, stamp));
        }
        return rules.Count > 0 ? rules : throw FhirError.Unprocessable("At least one Schedule is needed", where);
    }

    /// <summary>The rules of a current Schedule version, parsed once per version; <paramref name="seen"/> is the Schedule stamp read before it was read.</summary>
    public AvailabilityRules RulesOf(ResourceRecord record, long? seen = null)
    {
        if (_parsed.TryGetValue(record.Id, out var known) && known.Version == record.Version)
        {
            if (seen is not null && known.Seen != seen) _parsed.TryUpdate(record.Id, known with { Seen = seen }, known);
            return known.Rules;
        }
        var rules = AvailabilityRules.From((Schedule)ResourceSerializer.ParseTrustedJson(record.Json.Span), calculator.Zone);
        var parsed = new Parsed(record.Version, rules, seen);
        _parsed.AddOrUpdate(record.Id, parsed, (_, old) => old.Version > record.Version ? old : parsed);
        return rules;
    }

    /// <summary>The rules of the Schedules an Appointment was booked on (none for one written directly).</summary>
    public async Task<IReadOnlyList<AvailabilityRules>> LoadOptionalAsync(IResourceStore store, Appointment appointment, CancellationToken ct)
    {
        var references = appointment.GetExtensions(SchedulingUrls.Schedule).Select(e => (e.Value as ResourceReference)?.Reference).OfType<string>().ToList();
        return references.Count == 0 ? [] : await LoadAsync(store, references, $"Appointment.extension('{SchedulingUrls.Schedule}')", ct);
    }

    /// <summary>The actors whose bookings fill a schedule: its actors, or the Schedule itself when it names none.</summary>
    public static IReadOnlyList<string> ActorsOf(AvailabilityRules rules) => rules.Actors.Count > 0 ? rules.Actors : [rules.ScheduleReference];
}
