using FhirPractice.Fhir;
using FhirPractice.Fhir.Operations;
using FhirPractice.Fhir.Rest;
using FhirPractice.Scheduling.Availability;
using FhirPractice.Scheduling.Occupancy;
using Hl7.Fhir.Model;

namespace FhirPractice.Scheduling.Operations;

/// <summary>
/// <c>Appointment/$find</c>: the times at which all the named Schedules (a provider and a room together) are open and
/// free for a visit of the service type, within [start, end), and the patient (when named) is free; answered as a
/// searchset of proposed Appointments that <c>$hold</c>/<c>$book</c> take as they are. Nothing is stored.
/// </summary>
public sealed class FindOperation(ScheduleRules schedules, SchedulingOptions options)
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
        var patientBusy = patient is null ? [] : await ScheduleRules.BusyAsync(engine.Store, patient, range, ct);

        IEnumerable<(IReadOnlyList<AvailabilityRules> Rules, TimeRange Visit)> visits;
        if (service is null)
        {
            var rules = await schedules.LoadAsync(engine.Store, input.All("schedule"), "schedule", ct);
            visits = (await OpenAsync(engine, rules, range, serviceType, patientBusy, null, ct)).Select(v => (rules, v));
        }
        else
        {
            // Each Schedule serving the service is an alternative, inside the service's own hours.
            var (hours, serving) = await ServingAsync(engine, r, service, ct);
            var within = schedules.Calculator.Windows(hours, start, end);
            var all = new List<(IReadOnlyList<AvailabilityRules>, TimeRange)>();
            foreach (var rule in serving)
                all.AddRange((await OpenAsync(engine, [rule], range, serviceType, patientBusy, within, ct)).Select(v => ((IReadOnlyList<AvailabilityRules>)[rule], v)));
            visits = all.OrderBy(v => v.Item2.Start);
        }

        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Id = Guid.NewGuid().ToString("N") };
        foreach (var (rules, visit) in visits.Take(count))
        {
            var proposal = Proposal(rules, visit, serviceType, patient);
            if (service is not null && !proposal.Participant.Any(p => p.Actor?.Reference == service))
                proposal.Participant.Add(new Appointment.ParticipantComponent
                {
                    Actor = new ResourceReference(service),
                    Required = Appointment.ParticipantRequired.InformationOnly,
                    Status = ParticipationStatus.Accepted,
                });
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = "urn:uuid:" + Guid.NewGuid(),
                Resource = proposal,
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        }
        bundle.Total = bundle.Entry.Count;
        return new FhirResponse { Resource = bundle };
    }

    /// <summary>The visits at which all <paramref name="rules"/> are open (and inside <paramref name="within"/>, when given) and free.</summary>
    private async Task<IEnumerable<TimeRange>> OpenAsync(FhirEngine engine, IReadOnlyList<AvailabilityRules> rules, TimeRange range, Coding? serviceType,
        IReadOnlyList<BusyInterval> patientBusy, IReadOnlyList<TimeRange>? within, CancellationToken ct)
    {
        var duration = TimeSpan.FromMinutes(rules.Max(s => s.DurationFor(serviceType, options.DefaultVisitMinutes)));
        var alignment = TimeSpan.FromMinutes(rules[0].AlignmentMinutes ?? duration.TotalMinutes);
        var views = new List<ScheduleView>();
        foreach (var rule in rules)
        {
            var claimed = OpenTimes.WithBuffers(rule, range);
            var busy = new Dictionary<string, IReadOnlyList<BusyInterval>>();
            foreach (var actor in ScheduleRules.ActorsOf(rule)) busy[actor] = await ScheduleRules.BusyAsync(engine.Store, actor, claimed, ct);
            var windows = schedules.Calculator.Windows(rule, range.Start, range.End);
            views.Add(new ScheduleView(rule, within is null ? windows : OpenTimes.Intersect(windows, within), busy));
        }
        return OpenTimes.Find(views, duration, alignment, patientBusy);
    }

    /// <summary>
    /// A HealthcareService's hours and the Schedules that serve it: those with the service as an actor, and those whose
    /// service type is one of the service's types; all but those marked inactive (a Schedule without <c>active</c> is in use).
    /// </summary>
    private async Task<(ServiceHours Hours, IReadOnlyList<AvailabilityRules> Serving)> ServingAsync(FhirEngine engine, FhirRequest r, string service, CancellationToken ct)
    {
        var parts = service.Split('/');
        if (parts is not ["HealthcareService", var id])
            throw FhirError.BadRequest($"'{service}' is not a reference to a HealthcareService", "healthcare-service");
        var record = await engine.Store.ReadAsync("HealthcareService", id, ct);
        if (record is null or { Deleted: true }) throw FhirError.Unprocessable($"{service} does not exist", "healthcare-service");
        var hours = ServiceHours.From((HealthcareService)ResourceSerializer.ParseTrustedJson(record.Json.Span), schedules.Calculator.Zone);
        var searches = new List<KeyValuePair<string, string>> { new("actor", service) };
        searches.AddRange(hours.Types.Where(t => t.Code is not null).Select(t => new KeyValuePair<string, string>("service-type", t.System is null ? t.Code! : $"{t.System}|{t.Code}")));
        var serving = new Dictionary<string, AvailabilityRules>();
        foreach (var search in searches)
            foreach (var schedule in await EngineCalls.SearchAsync<Schedule>(engine, r, "Schedule", [search, new("active:not", "false"), new("_count", "100")], ct))
                serving.TryAdd(schedule.Id ?? "", schedules.RulesOf(schedule));
        return (hours, serving.Values.ToList());
    }

    internal static Appointment Proposal(IReadOnlyList<AvailabilityRules> rules, TimeRange visit, Coding? serviceType, string? patient)
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
