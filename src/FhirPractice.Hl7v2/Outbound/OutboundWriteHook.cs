using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;

namespace FhirPractice.Hl7v2.Outbound;

/// <summary>
/// Queues, inside the write's own transaction, one outbox message per destination for every Appointment version
/// (SIU), and every Patient (ADT), DiagnosticReport (ORU) and Immunization (VXU) version that is not a deletion, and for
/// a Patient's deletion to the destinations
/// whose <see cref="OutboundDestination.PatientEvents"/> send one (A29) — except to the destination whose own
/// message caused the write (<see cref="OutboundDestination.IsSourceOf"/>). Only the resource's identity is queued
/// here, on the store's single writer; the v2 message is built from that stored version when it is first sent.
/// </summary>
public sealed class OutboundWriteHook : IWriteHook
{
    private readonly (string Name, OutboundDestination Destination)[] _siu, _adt, _adtDeletions, _oru, _vxu;
    private readonly OutboundWakeUp _wakeUp;

    public OutboundWriteHook(OutboundOptions options, OutboundWakeUp wakeUp)
    {
        (string, OutboundDestination)[] Taking(string kind) => [.. options.DestinationsFor(kind).Select(d => (d, options.Destinations[d]))];
        _siu = Taking(OutboundOptions.SiuEvents);
        _adt = Taking(OutboundOptions.AdtEvents);
        _adtDeletions = [.. _adt.Where(d => PatientEvents.SendsDeletions(d.Destination.PatientEvents))];
        _oru = Taking(OutboundOptions.OruEvents);
        _vxu = Taking(OutboundOptions.VxuEvents);
        _wakeUp = wakeUp;
    }

    public void Written(IStoreTransaction transaction, ResourceWrite write)
    {
        var (kind, destinations) = write.Type switch
        {
            "Appointment" => (OutboundOptions.SiuEvents, _siu),
            "Patient" => (OutboundOptions.AdtEvents, write.Deleted ? _adtDeletions : _adt),
            "DiagnosticReport" when !write.Deleted => (OutboundOptions.OruEvents, _oru),
            "Immunization" when !write.Deleted => (OutboundOptions.VxuEvents, _vxu),
            _ => ("", []),
        };
        foreach (var (name, destination) in destinations)
            if (!destination.IsSourceOf(write.Origin))
                transaction.Enqueue(new OutboxMessage(0, name, kind, write.Type, write.Id, write.Version, OutboxStatus.Pending, 0,
                    transaction.Timestamp, transaction.Timestamp));
    }

    public void Committed() => _wakeUp.Wake();
}
