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

        var rules = await schedules.LoadAsync(engine.Store, input.All("schedule"), "schedule", ct);
        var duration = TimeSpan.FromMinutes(rules.Max(s => s.DurationFor(serviceType, options.DefaultVisitMinutes)));
        var alignment = TimeSpan.FromMinutes(rules[0].AlignmentMinutes ?? duration.TotalMinutes);
        var range = new TimeRange(start, end);
        var views = new List<ScheduleView>();
        foreach (var rule in rules)
        {
            var claimed = OpenTimes.WithBuffers(rule, range);
            var busy = new Dictionary<string, IReadOnlyList<BusyInterval>>();
            foreach (var actor in ScheduleRules.ActorsOf(rule)) busy[actor] = await ScheduleRules.BusyAsync(engine.Store, actor, claimed, ct);
            views.Add(new ScheduleView(rule, schedules.Calculator.Windows(rule, start, end), busy));
        }
        var patientBusy = patient is null ? [] : await ScheduleRules.BusyAsync(engine.Store, patient, range, ct);

        var bundle = new Bundle { Type = Bundle.BundleType.Searchset, Id = Guid.NewGuid().ToString("N") };
        foreach (var visit in OpenTimes.Find(views, duration, alignment, patientBusy).Take(count))
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = "urn:uuid:" + Guid.NewGuid(),
                Resource = Proposal(rules, visit, serviceType, patient),
                Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
            });
        bundle.Total = bundle.Entry.Count;
        return new FhirResponse { Resource = bundle };
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
