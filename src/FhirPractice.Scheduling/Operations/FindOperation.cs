using System.Collections.Concurrent;
using FhirPractice.Fhir;
using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Search;
using FhirPractice.Fhir.Storage;
using FhirPractice.Scheduling.Availability;
using FhirPractice.Scheduling.Occupancy;
using Hl7.Fhir.Model;

namespace FhirPractice.Scheduling.Operations;

/// <summary>
/// <c>Appointment/$find</c>: the times at which all the named Schedules (a provider and a room together) are open and
/// free for a visit of the service type, within [start, end), and the patient (when named) is free; answered as a
/// searchset of proposed Appointments that <c>$hold</c>/<c>$book</c> take as they are. Nothing is stored.
/// </summary>
public sealed class FindOperation(ScheduleRules schedules, OccupancyReader occupancy, EarliestVisits earliest, SchedulingOptions options, SearchQueryParser queries)
{
    public FhirOperation Definition => new("find", "http://fhirpractice.org/fhir/OperationDefinition/Appointment-find",
        System: false, Type: true, Instance: false, Types: ["Appointment"], Handler: InvokeAsync);

    private async Task<FhirResponse> InvokeAsync(FhirEngine engine, FhirRequest r, string? type, string? id, CancellationToken ct)
    {
        var input = new OperationParameters(r);
        var zone = schedules.Calculator.Zone;
        var start = input.Instant("start", zone) ?? throw FhirError.BadRequest("The parameter 'start' is required", "start");
        var end = input.Instant("end", zone) ?? throw FhirError.BadRequest("The parameter 'end' is required", "end");
        if (end <= start) throw FhirError.BadRequest("'end' must be after 'start'", "end");
        if (end - start > TimeSpan.FromDays(options.MaxFindDays)) throw FhirError.BadRequest($"$find covers at most {options.MaxFindDays} days", "end");
        var count = input.Single("_count") is { } c
            ? int.TryParse(c, out var n) && n > 0 ? Math.Min(n, options.MaxFindResults) : throw FhirError.BadRequest("_count must be a positive integer", "_count")
            : options.MaxFindResults;
        var serviceType = input.Single("service-type") is { } st ? ServiceType(st) : null;
        var patient = input.Single("patient") is { } p ? Claims.Normalise(p) : null;
        if (patient is not null && !patient.StartsWith("Patient/", StringComparison.Ordinal)) throw FhirError.BadRequest($"'{patient}' is not a Patient reference", "patient");

        var service = input.Single("healthcare-service") is { } hs ? Claims.Normalise(hs) : null;
        if (service is not null && input.All("schedule").Count > 0)
            throw FhirError.BadRequest("Give the Schedules or the HealthcareService, not both", "healthcare-service");
        var range = new TimeRange(start, end);
        var patientBusy = patient is null ? [] : await occupancy.BusyAsync(engine.Store, patient, range, ct);

        // With Schedules, they are taken together; with a HealthcareService, each Schedule serving it is an alternative, inside the service's own hours.
        List<VisitOption> choices;
        if (service is null) choices = [new VisitOption(await schedules.LoadAsync(engine.Store, input.All("schedule"), "schedule", ct), null)];
        else
        {
            var (hours, serving) = await ServingAsync(engine.Store, service, ct);
            var within = schedules.Calculator.Windows(hours, start, end);
            choices = serving.Select(rule => new VisitOption([rule], within)).ToList();
        }
        var after = input.Single("_cursor") is { } cursor ? FindCursor.Parse(cursor, range, choices.Count) : ((DateTimeOffset, int)?)null;
        var visits = await earliest.FindAsync(engine.Store, choices, range, serviceType, patientBusy, count, ct, after);

        // The proposals are written as JSON here (one SDK serialisation per option, kept for the next answers: see
        // ProposalJson) and spliced into the answer; another format parses them back.
        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Id = Guid.NewGuid().ToString("N"), Total = visits.Count };
        // A full page may have more after it: the next continues after its last proposal (the same query, with a cursor).
        if (visits.Count == count)
            bundle.Link.Add(new Bundle.LinkComponent { Relation = "next", Url = FindCursor.Next(r, visits[^1].Visit.Start, choices.FindIndex(c => ReferenceEquals(c, visits[^1].Option))) });
        var searchset = new Searchset(bundle);
        var written = new Dictionary<VisitOption, ProposalJson>(ReferenceEqualityComparer.Instance);
        var fullUrls = new EntryUuids();
        foreach (var (option, visit) in visits)
        {
            if (!written.TryGetValue(option, out var json)) written[option] = json = ProposalsOf(option, visit, serviceType, patient, service);
            searchset.AddBuilt(fullUrls.Next(), json.Write(visit), Bundle.SearchEntryMode.Match);
        }
        return new FhirResponse { Searchset = searchset };
    }

    /// <summary>The proposals of an option, by what they are made of (its Schedules' references and actors, the service type, patient and service).</summary>
    private readonly ConcurrentDictionary<string, ProposalJson> _proposals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<TimeRange, byte[]> _times = new();
    private const int MaxProposals = 4096;

    private ProposalJson ProposalsOf(VisitOption option, TimeRange first, Coding? serviceType, string? patient, string? service)
    {
        var key = string.Join('\n', option.Rules.Select(r => $"{r.ScheduleReference}\t{string.Join('\t', r.Actors)}"))
            + $"\n{serviceType?.System}\n{serviceType?.Code}\n{patient}\n{service}";
        if (_proposals.TryGetValue(key, out var known)) return known;
        if (_proposals.Count >= MaxProposals) _proposals.Clear();
        return _proposals[key] = new ProposalJson(v => Proposal(option.Rules, v, serviceType, patient, service), first, _times);
    }

    /// <summary>A HealthcareService's hours and serving Schedules, as found while the store's stamps of both types were these.</summary>
    private sealed record Serving(long ServicesStamp, long SchedulesStamp, ServiceHours Hours, IReadOnlyList<AvailabilityRules> Rules);

    /// <summary>Each HealthcareService's last <see cref="Serving"/>: every $find through a service asked the store for the same Schedules again.</summary>
    private readonly ConcurrentDictionary<string, Serving> _serving = new(StringComparer.Ordinal);
    private const int MaxServices = 1024;

    /// <summary>
    /// A HealthcareService's hours and the Schedules that serve it: those with the service as an actor, and those whose
    /// service type is one of the service's types; all but those marked inactive (a Schedule without <c>active</c> is in use).
    /// Kept, unread, until the store's HealthcareService or Schedule stamp (read before the reads) changes.
    /// </summary>
    private async Task<(ServiceHours Hours, IReadOnlyList<AvailabilityRules> Serving)> ServingAsync(IResourceStore store, string service, CancellationToken ct)
    {
        var parts = service.Split('/');
        if (parts is not ["HealthcareService", var id])
            throw FhirError.BadRequest($"'{service}' is not a reference to a HealthcareService", "healthcare-service");
        var (servicesStamp, stamp) = (store.TypeStamp("HealthcareService"), store.TypeStamp("Schedule"));
        if (servicesStamp is { } services && stamp is { } now && _serving.TryGetValue(id, out var kept) && kept.ServicesStamp == services && kept.SchedulesStamp == now)
            return (kept.Hours, kept.Rules);
        var record = await store.ReadAsync("HealthcareService", id, ct);
        if (record is null or { Deleted: true }) throw FhirError.Unprocessable($"{service} does not exist", "healthcare-service");

        var hours = ServiceHours.From((HealthcareService)ResourceSerializer.ParseTrustedJson(record.Json.Span), schedules.Calculator.Zone);
        var searches = new List<KeyValuePair<string, string>> { new("actor", service) };
        searches.AddRange(hours.Types.Where(t => t.Code is not null).Select(t => new KeyValuePair<string, string>("service-type", t.System is null ? t.Code! : $"{t.System}|{t.Code}")));
        // Searched in the store, as the Schedules named by 'schedule' are read: $find is authorized and audited as an
        // operation, and a search interaction of its own would write an AuditEvent per search on every $find.
        var serving = new Dictionary<string, AvailabilityRules>();
        foreach (var search in searches)
        {
            var query = queries.Parse("Schedule", [search, new("active:not", "false")], strict: true).Query with { Count = 100 };
            await foreach (var schedule in store.SearchAllAsync(query, ct)) serving.TryAdd(schedule.Id, schedules.RulesOf(schedule, stamp));
        }
        var found = serving.Values.ToList();
        if (servicesStamp is { } servicesThen && stamp is { } then)
        {
            if (_serving.Count >= MaxServices) _serving.Clear();
            _serving[id] = new Serving(servicesThen, then, hours, found);
        }
        return (hours, found);
    }

    /// <summary>A proposed Appointment: the time, the Schedules with their actors, the patient, and the HealthcareService it was found through (when not already an actor).</summary>
    internal static Appointment Proposal(IReadOnlyList<AvailabilityRules> rules, TimeRange visit, Coding? serviceType, string? patient, string? service = null)
    {
        var appointment = new Appointment
        {
            Status = Appointment.AppointmentStatus.Proposed,
            Start = visit.Start.ToUniversalTime(),
            End = visit.End.ToUniversalTime(),
            MinutesDuration = (int)(visit.End - visit.Start).TotalMinutes,
        };
        if (serviceType is not null) appointment.ServiceType.Add(new CodeableConcept { Coding = [serviceType] });
        foreach (var rule in rules)
        {
            appointment.Extension.Add(new Extension(SchedulingUrls.Schedule, new ResourceReference(rule.ScheduleReference)));
            foreach (var actor in rule.Actors) appointment.Participant.Add(Participant(actor));
        }
        if (patient is not null) appointment.Participant.Add(Participant(patient));
        if (service is not null && !appointment.Participant.Any(p => p.Actor?.Reference == service))
            appointment.Participant.Add(new Appointment.ParticipantComponent
            {
                Actor = new ResourceReference(service),
                Required = Appointment.ParticipantRequired.InformationOnly,
                Status = ParticipationStatus.Accepted,
            });
        return appointment;
    }

    internal static Appointment.ParticipantComponent Participant(string actor) => new()
    {
        Actor = new ResourceReference(actor),
        Required = Appointment.ParticipantRequired.Required,
        Status = ParticipationStatus.NeedsAction,
    };

    private static Coding ServiceType(string token)
    {
        var bar = token.IndexOf('|');
        return bar < 0 ? new Coding(null, token) : new Coding(bar == 0 ? null : token[..bar], token[(bar + 1)..]);
    }
}
