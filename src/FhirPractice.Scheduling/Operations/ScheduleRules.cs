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
    /// The rules last read of each Schedule id, with the version they came from: every booking reads its Schedules, and
    /// parsing one (model and RRULEs) costs more than the rest of the plan. A newer version replaces the entry.
    /// </summary>
    private readonly ConcurrentDictionary<string, (long Version, AvailabilityRules Rules)> _parsed = new(StringComparer.Ordinal);

    public AvailabilityCalculator Calculator => calculator;

    /// <summary>The rules of each named Schedule; a reference that is no current Schedule is a 422 naming <paramref name="where"/>.</summary>
    public async Task<IReadOnlyList<AvailabilityRules>> LoadAsync(IResourceStore store, IEnumerable<string> references, string where, CancellationToken ct)
    {
        var rules = new List<AvailabilityRules>();
        foreach (var reference in references.Select(Claims.Normalise).Distinct())
        {
            var parts = reference.Split('/');
            if (parts.Length != 2 || parts[0] != "Schedule")
                throw FhirError.Unprocessable($"'{reference}' is not a reference to a Schedule", where);
            var record = await store.ReadAsync("Schedule", parts[1], ct);
            if (record is null or { Deleted: true }) throw FhirError.Unprocessable($"{reference} does not exist", where);
            rules.Add(RulesOf(record));
        }
        return rules.Count > 0 ? rules : throw FhirError.Unprocessable("At least one Schedule is needed", where);
    }

    /// <summary>The rules of a current Schedule version, parsed once per version.</summary>
    public AvailabilityRules RulesOf(ResourceRecord record) =>
        Cached(record.Id, record.Version, () => (Schedule)ResourceSerializer.ParseTrustedJson(record.Json.Span));

    private AvailabilityRules Cached(string id, long version, Func<Schedule> schedule)
    {
        if (_parsed.TryGetValue(id, out var known) && known.Version == version) return known.Rules;
        var rules = AvailabilityRules.From(schedule(), calculator.Zone);
        _parsed.AddOrUpdate(id, (version, rules), (_, old) => old.Version > version ? old : (version, rules));
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
