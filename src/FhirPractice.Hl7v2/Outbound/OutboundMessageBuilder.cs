using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Outbound;

/// <summary>The message cannot be built (the version is gone, the kind is unknown): resending will not help.</summary>
public sealed class OutboundBuildException(string message) : Exception(message);

/// <summary>
/// Builds the v2 message for a queued outbox entry from the resource version it names (versions never change,
/// so the message says what that write did) and the current versions of the resources it refers to.
/// <list type="bullet">
/// <item>Appointment: S12 for its first version (or the first after a deletion), S15 when it became cancelled,
/// S26 when it became a no-show, S13 when its start or end moved, S14 for any other change, S17 for a deletion.</item>
/// <item>Patient: ADT^A08 for every version, or as the destination's <see cref="OutboundDestination.PatientEvents"/> say
/// (A04 for a new patient; A28/A31/A29 to add, update and delete a person); A40 when it was merged into another.</item>
/// <item>DiagnosticReport: ORU^R01 with its patient and the current versions of its results.</item>
/// <item>Immunization: VXU^V04 (RXA-21 A for the first version, U after it, D once entered in error).</item>
/// </list>
/// </summary>
public sealed class OutboundMessageBuilder(IResourceStore store, OutboundOptions options, TimeProvider clock)
{
    public async Task<string> BuildAsync(OutboxMessage queued, CancellationToken ct)
    {
        var destination = options.Destinations.GetValueOrDefault(queued.Destination)
            ?? throw new OutboundBuildException($"the destination '{queued.Destination}' is no longer configured");
        var record = await store.ReadVersionAsync(queued.ResourceType, queued.ResourceId, queued.ResourceVersion, ct)
            ?? throw new OutboundBuildException($"{queued.ResourceType}/{queued.ResourceId} version {queued.ResourceVersion} is not in the store");
        var controlId = Guid.NewGuid().ToString("N")[..20];
        var now = clock.GetUtcNow();
        var authority = options.SendingApplication;

        switch (queued.Kind, record.Type)
        {
            case (OutboundOptions.AdtEvents, "Patient"):
                var (adtTrigger, structure, person, merged) = await PatientEventAsync(record, destination.PatientEvents, ct);
                var header = MessageHeader.Create(options, destination, "ADT", adtTrigger, structure, controlId, now);
                return AdtMessage.Build(header, adtTrigger, person, record.LastUpdated, authority, merged).Encode();
            case (OutboundOptions.SiuEvents, "Appointment"):
                var (trigger, appointment) = await SiuEventAsync(record, ct);
                var siu = MessageHeader.Create(options, destination, "SIU", trigger, "SIU_S12", controlId, now);
                var participants = new List<SiuMessage.Participant>();
                foreach (var p in appointment.Participant)
                    participants.Add(new SiuMessage.Participant(p, await LocalAsync(p.Actor, ct)));
                var patient = participants.Select(p => p.Actor).OfType<Patient>().FirstOrDefault();
                return SiuMessage.Build(siu, appointment, patient, participants, authority).Encode();
            case (OutboundOptions.OruEvents, "DiagnosticReport") when !record.Deleted:
                var report = Parse<DiagnosticReport>(record);
                var subject = await LocalAsync(report.Subject, ct) as Patient
                    ?? throw new OutboundBuildException($"DiagnosticReport/{record.Id} version {record.Version} names no patient held here ({report.Subject?.Reference ?? "no subject"})");
                var results = new List<Observation>();
                foreach (var result in report.Result)
                    if (await LocalAsync(result, ct) is Observation observation) results.Add(observation);
                var oru = MessageHeader.Create(options, destination, "ORU", "R01", "ORU_R01", controlId, now);
                return OruMessage.Build(oru, report, subject, results, authority).Encode();
            case (OutboundOptions.VxuEvents, "Immunization") when !record.Deleted:
                var immunization = Parse<Immunization>(record);
                var vaccinated = await LocalAsync(immunization.Patient, ct) as Patient
                    ?? throw new OutboundBuildException($"Immunization/{record.Id} version {record.Version} names no patient held here ({immunization.Patient?.Reference ?? "no patient"})");
                var vxu = MessageHeader.Create(options, destination, "VXU", "V04", "VXU_V04", controlId, now);
                return VxuMessage.Build(vxu, immunization, record.Version, vaccinated, await LocalAsync(immunization.Manufacturer, ct) as Organization, authority).Encode();
            default:
                throw new OutboundBuildException($"no {queued.Kind} message is made for {record.Type}/{record.Id} version {record.Version}");
        }
    }

    /// <summary>
    /// The ADT trigger for a Patient version as the destination's style has it, and the patient it describes (a deletion:
    /// the version before). A version that newly names the patient it was merged into (<c>link</c> replaced-by) is a merge
    /// in every style: A40 about the surviving patient, the merged one in MRG.
    /// </summary>
    private async Task<(string Trigger, string Structure, Patient Patient, Patient? Merged)> PatientEventAsync(ResourceRecord record, string style, CancellationToken ct)
    {
        var previous = record.Version > 1 ? await store.ReadVersionAsync(record.Type, record.Id, record.Version - 1, ct) : null;
        var before = previous is { Deleted: false } ? Parse<Patient>(previous) : null;
        if (record.Deleted)
        {
            var (deletion, deletionStructure) = PatientEvents.For(style, isNew: false, deleted: true)
                ?? throw new OutboundBuildException($"Patient/{record.Id} version {record.Version} is a deletion, which a destination taking {style} is not sent");
            return (deletion, deletionStructure, before ?? throw new OutboundBuildException($"Patient/{record.Id} was deleted, but the version before is not in the store"), null);
        }
        var patient = Parse<Patient>(record);
        if (SurvivorOf(patient) is { } survivor && survivor != (before is null ? null : SurvivorOf(before)))
            return ("A40", "ADT_A39", await LocalAsync(new ResourceReference(survivor), ct) as Patient
                ?? throw new OutboundBuildException($"Patient/{record.Id} was merged into {survivor}, which is not in the store"), patient);
        var (trigger, structure) = PatientEvents.For(style, isNew: before is null, deleted: false)!.Value;
        return (trigger, structure, patient, null);
    }

    private static string? SurvivorOf(Patient patient) =>
        patient.Link.FirstOrDefault(l => l.Type == Patient.LinkType.ReplacedBy)?.Other?.Reference;

    private async Task<(string Trigger, Appointment Appointment)> SiuEventAsync(ResourceRecord record, CancellationToken ct)
    {
        var previous = record.Version > 1 ? await store.ReadVersionAsync(record.Type, record.Id, record.Version - 1, ct) : null;
        var before = previous is { Deleted: false } ? Parse<Appointment>(previous) : null;
        if (record.Deleted)
            return ("S17", before ?? throw new OutboundBuildException($"Appointment/{record.Id} was deleted, but the version before is not in the store"));
        var now = Parse<Appointment>(record);
        var trigger = before is null ? "S12"
            : now.Status == Appointment.AppointmentStatus.Cancelled && before.Status != Appointment.AppointmentStatus.Cancelled ? "S15"
            : now.Status == Appointment.AppointmentStatus.Noshow && before.Status != Appointment.AppointmentStatus.Noshow ? "S26"
            : now.Start != before.Start || now.End != before.End ? "S13"
            : "S14";
        return (trigger, now);
    }

    /// <summary>The current version of a local (Type/id) reference's target, or null for other references and deleted or unknown targets.</summary>
    private async Task<Resource?> LocalAsync(ResourceReference? reference, CancellationToken ct)
    {
        if (reference?.Reference?.Split('/') is not [var type, var id] || !ModelInfo.IsKnownResource(type)) return null;
        var record = await store.ReadAsync(type, id, ct);
        return record is null || record.Deleted ? null : ResourceSerializer.ParseTrustedJson(record.Json.Span);
    }

    private static T Parse<T>(ResourceRecord record) where T : Resource =>
        ResourceSerializer.ParseTrustedJson(record.Json.Span) as T
        ?? throw new OutboundBuildException($"{record.Type}/{record.Id} version {record.Version} is not a {typeof(T).Name}");
}
